/** The player page's elements, found once, and the short notice shown under its button. */
import { byId } from "./ui.ts";

/** The elements the player page fills in. */
export const ui = {
  code: byId("room-code"),
  conn: byId("conn"),
  badLink: byId("bad-link"),
  game: byId("game"),
  myName: byId("my-name"),
  nameNote: byId("name-note"),
  buzz: byId<HTMLButtonElement>("buzz"),
  big: byId("buzz-big"),
  small: byId("buzz-small"),
  status: byId("status"),
  goStatus: byId("go-status"),
  hostLine: byId("host-line"),
  early: byId("early"),
  hint: byId("hint"),
  screenHint: byId("screen-hint"),
  notice: byId("notice"),
  order: byId<HTMLOListElement>("order"),
  orderEmpty: byId("order-empty"),
  myPlace: byId("my-place"),
  playerCount: byId("player-count"),
  leave: byId<HTMLButtonElement>("leave"),
};

let noticeTimer = 0;
/** Shows a short message under the button for a few seconds, in place of the key hint. */
export function notice(text: string): void {
  ui.notice.textContent = text;
  ui.hint.hidden = true;
  clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => {
    ui.notice.textContent = "";
    ui.hint.hidden = false;
  }, 4000);
}
