/**
 * DOM helpers shared by the pages. Everything that shows text a player chose goes through
 * `textContent` or `createElement` here: no page ever parses HTML.
 */
import { Close } from "../../lib/close.ts";
import { markText } from "../format.ts";
import { checkRoom } from "../parse.ts";
import type { PlaceView } from "../protocol.ts";
import type { SessionStatus } from "../session.ts";
import { gapLabel } from "./words.ts";

/** The element with `id`, typed; throws if the page lacks it (a build mistake, not a runtime state). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

/** Creates an element with an optional class and text (set as textContent, never parsed). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The room a page's path names: none (the default room), a checked code, or a code that is not valid. */
export type PathRoom = { ok: true; room?: string } | { ok: false; message: string };

/**
 * The room in a `/r/CODE` path, upper-cased, checked by the server's own rule (parse.ts); any other
 * path names no room. A code that is not valid is refused with a message in words, never read as
 * the default room: a mistyped link must not put players in the wrong game.
 */
export function roomFromPath(pathname: string): PathRoom {
  const match = /^\/r\/([^/]*)\/?$/.exec(pathname);
  if (!match) return { ok: true };
  let raw = match[1] ?? "";
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // A broken %-escape is shown as typed.
  }
  if (raw === "") return { ok: false, message: "This link names no room: check the link." };
  const checked = checkRoom(raw);
  if (checked.ok) return { ok: true, room: checked.msg };
  // Quoted as typed, cut short: a link is any length.
  const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
  return { ok: false, message: `"${shown}" is not a room code: check the link (${checked.message}).` };
}

/** Whether `code` is a valid room code (the server's rule: 1 to 8 letters or digits). */
export function validRoom(code: string): boolean {
  // checkRoom trims what a client sends; a code kept or shown by a page must have no spaces to trim.
  return code === code.trim() && checkRoom(code).ok;
}

/** One place of a round's order as a list item: place, name, gap and a photo-finish flag. */
export function orderItem(p: PlaceView, mine?: string): HTMLLIElement {
  const li = h("li", [p.place === 1 ? "first" : "", p.id === mine ? "mine" : ""].filter(Boolean).join(" "));
  li.dataset.player = p.id;
  li.append(h("span", "place", String(p.place)));
  const name = h("span", "name", p.name);
  if (p.photo) name.append(h("span", "badge", "photo finish"));
  li.append(name, h("span", "gap", p.place === 1 ? "first" : gapLabel(p.gap)));
  return li;
}

/** The host's mark of an answer as a badge, in words as well as the sign: `✓ right` or `✗ wrong`. */
export function judgedBadge(judged: "right" | "wrong"): HTMLSpanElement {
  return h("span", `badge ${judged}`, markText(judged));
}

/**
 * Fills an `<ol>` with a round's order (see orderItem), each place with the host's mark once it
 * has one, so the room sees a wrong first buzz is not a win.
 */
export function renderOrder(list: HTMLOListElement, order: readonly PlaceView[], mine?: string): void {
  list.replaceChildren(
    ...order.map((p) => {
      const li = orderItem(p, mine);
      if (p.judged) li.querySelector(".name")?.append(judgedBadge(p.judged));
      return li;
    }),
  );
}

/** How many are in the room: `1 player`, `230 players`. */
export function playersLabel(count: number): string {
  return `${count} player${count === 1 ? "" : "s"}`;
}

/** The note under a list the server cut short: `200 of 230 shown`; empty when the list is whole. */
export function shownOf(shown: number, total: number): string {
  return total > shown ? `${shown} of ${total} shown` : "";
}

/** The note under an order the server cut short (`First 200 of 907 places shown`), empty otherwise. */
export function orderCutNote(shown: number, total = shown): string {
  return total > shown ? `First ${shown} of ${total} places shown` : "";
}

/** Shows a note (as text), or hides its element when there is nothing to say. */
export function showNote(el: HTMLElement, note: string): void {
  if (el.textContent !== note) el.textContent = note;
  el.hidden = !note;
}

/** The page's own origin as a WebSocket URL. */
export function pageSocketUrl(loc: Location = location): string {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}/`;
}

/**
 * Calls `back` when the network returns or the page becomes visible again: the moment for a
 * session to stop waiting out its backoff (`Session.reconnectNow`).
 */
export function whenBack(back: () => void): void {
  addEventListener("online", back);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") back();
  });
}

/** Calls `gone` when the browser reports the network lost: the moment for a session to drop its socket (`Session.dropNow`). */
export function whenGone(gone: () => void): void {
  addEventListener("offline", gone);
}

/** What a connection indicator shows. */
export type ConnState = "online" | "connecting" | "reconnecting" | "offline";

/** The indicator's state for a session's status; dialling again after a retry reads as reconnecting. */
export function connState(status: SessionStatus, before: ConnState): ConnState {
  switch (status.state) {
    case "connected":
      return "online";
    case "retrying":
      return "reconnecting";
    case "gave up":
      return "offline";
    case "connecting":
      return before === "reconnecting" ? "reconnecting" : "connecting";
  }
}

/** Shows a session's status on a connection indicator (see connState). */
export function showStatus(pill: HTMLElement, status: SessionStatus): void {
  setConn(pill, connState(status, pill.dataset.conn as ConnState));
}

/** Why a session ended for good (its close code, and the server's reason for a kick), in the pages' words. */
export function goneReason(code: number, reason = ""): string {
  // A kick's reason says whether the host banned the player too.
  if (code === Close.KICKED) return reason || "removed by the host";
  if (code === Close.REPLACED) return "this player continued on another tab or device";
  return "refused by the server";
}

/** A connection indicator's text and state. */
export function setConn(pill: HTMLElement, state: ConnState): void {
  pill.dataset.conn = state;
  pill.textContent = {
    online: "Connected",
    connecting: "Connecting…",
    reconnecting: "Reconnecting…",
    offline: "Offline",
  }[state];
}

/**
 * Keeps the screen on while the page is visible (Screen Wake Lock), re-requesting it when the
 * page comes back: browsers release the lock whenever the page is hidden. Failures are ignored;
 * returns false where the browser offers no wake lock at all.
 */
export function keepScreenOn(): boolean {
  const wakeLock = (navigator as Navigator & { wakeLock?: { request(type: "screen"): Promise<unknown> } })
    .wakeLock;
  // Browsers offer it only in a secure context (https, or this machine): over a LAN's http, not at all.
  if (!wakeLock) return false;
  const request = () => {
    if (document.visibilityState !== "visible") return;
    wakeLock.request("screen").catch(() => {});
  };
  request();
  document.addEventListener("visibilitychange", request);
  return true;
}

/**
 * Vibrates where the device can, once the page has had a tap or key press; ignored elsewhere.
 * Chrome refuses (and logs an error for) a vibration before any gesture, as after a reload.
 */
export function vibrate(pattern: number | number[]): void {
  if (navigator.userActivation?.hasBeenActive === false) return;
  try {
    navigator.vibrate?.(pattern);
  } catch {
    // Some browsers throw without a user gesture: a missing buzz is not an error.
  }
}

/** A short beep through Web Audio; `unlock` must first run on a user gesture to allow sound. */
export class Beeper {
  private ctx: AudioContext | null = null;

  /** Creates or resumes the audio context; call from a click or key handler. */
  unlock(): void {
    try {
      this.ctx ??= new AudioContext();
      if (this.ctx.state === "suspended") void this.ctx.resume().catch(() => {});
    } catch {
      this.ctx = null;
    }
  }

  /** Plays a short tone (no files: an oscillator with a quick fade). */
  beep(frequency = 880, ms = 180): void {
    const ctx = this.ctx;
    if (ctx?.state !== "running") return;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    const t = ctx.currentTime;
    osc.type = "square";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.25, t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + ms / 1000);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + ms / 1000 + 0.02);
  }
}

/** Saves text as a file download (a Blob URL on a temporary link). */
export function download(filename: string, data: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = h("a");
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Whether a key event should trigger a page shortcut: not typed into a field, no modifiers. */
export function isShortcut(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return false;
  const target = event.target as HTMLElement | null;
  if (!target) return true;
  const tag = target.tagName;
  return !(tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable);
}

/** A countdown that calls `tick` with whole seconds left until `at` (performance.now() clock), then `done`. */
export function countdown(at: number, tick: (seconds: number) => void, done: () => void): () => void {
  let timer = 0;
  let last = -1;
  const step = () => {
    const left = at - performance.now();
    if (left <= 0) {
      done();
      return;
    }
    const seconds = Math.ceil(left / 1000);
    if (seconds !== last) {
      last = seconds;
      tick(seconds);
    }
    // Wake at the next whole second (or sooner), so GO lands within a frame of `at`.
    timer = window.setTimeout(step, Math.min(left, left - (seconds - 1) * 1000, 250));
  };
  step();
  return () => clearTimeout(timer);
}
