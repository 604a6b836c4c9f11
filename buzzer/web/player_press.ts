/** How a press reaches the player page: touch-down on the button, its keyboard click, or the space bar. */
import { isShortcut } from "./ui.ts";

/**
 * Calls `press` with each press's event time (the performance.now() clock): on the button's
 * pointerdown (not its click, which comes later), on a click without a pointer (keyboard and
 * assistive technology), and on the space bar anywhere on the page while `active()`.
 */
export function onPress(button: HTMLButtonElement, active: () => boolean, press: (at: number) => void): void {
  button.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" && event.button !== 0) return;
    event.preventDefault();
    press(event.timeStamp);
  });
  button.addEventListener("click", (event) => {
    if (event.detail === 0) press(event.timeStamp);
  });
  button.addEventListener("contextmenu", (event) => event.preventDefault());
  document.addEventListener("keydown", (event) => {
    if (event.code !== "Space" && event.key !== " ") return;
    if (!isShortcut(event) || !active()) return;
    // Space on another focused button (e.g. "Change name") activates that button instead.
    if (event.target instanceof HTMLButtonElement && event.target !== button) return;
    event.preventDefault();
    if (!event.repeat) press(event.timeStamp);
  });
}

/** A press's time: the event's, unless stamped in the future or long ago (odd platforms), then now. */
export function pressTime(at: number, now: number): number {
  return at > 0 && at <= now && now - at < 1000 ? at : now;
}
