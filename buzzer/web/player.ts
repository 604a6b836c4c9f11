/**
 * The player page: join a room with a name (remembered with the resume token per room), then one
 * huge buzz button that reacts on pointerdown or the space bar and sends the event's own time.
 */
import { Close } from "../../lib/close.ts";
import { checkName } from "../names.ts";
import { DEFAULT_ROOM, type RoomView, type ServerMessage, VIEW } from "../protocol.ts";
import { Session, type SessionStatus } from "../session.ts";
import {
  byId,
  type ConnState,
  connState,
  countdown,
  gapLabel,
  goneReason,
  isShortcut,
  keepScreenOn,
  ordinal,
  pageSocketUrl,
  playersLabel,
  renderOrder,
  roomFromPath,
  setConn,
  showNote,
  vibrate,
  whenBack,
} from "./ui.ts";

/** The room in the URL (`/r/CODE`), or null for the server's default room. */
const pathRoom = roomFromPath(location.pathname);
const storageKey = `buzzer:player:${pathRoom ?? "default"}`;

interface Saved {
  name: string;
  token?: string;
}

function load(): Saved | null {
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey) ?? "null");
    return saved && typeof saved.name === "string" ? saved : null;
  } catch {
    return null;
  }
}

function save(saved: Saved): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(saved));
  } catch {
    // Private mode or full storage: identity then lasts as long as the page.
  }
}

const ui = {
  code: byId("room-code"),
  conn: byId("conn"),
  form: byId<HTMLFormElement>("join-form"),
  name: byId<HTMLInputElement>("name"),
  joinError: byId("join-error"),
  game: byId("game"),
  myName: byId("my-name"),
  buzz: byId<HTMLButtonElement>("buzz"),
  big: byId("buzz-big"),
  small: byId("buzz-small"),
  status: byId("status"),
  hint: byId("hint"),
  screenHint: byId("screen-hint"),
  notice: byId("notice"),
  order: byId<HTMLOListElement>("order"),
  orderEmpty: byId("order-empty"),
  myPlace: byId("my-place"),
  playerCount: byId("player-count"),
  leave: byId<HTMLButtonElement>("leave"),
};

/** This round's outcome for this player, as far as it is known. */
type Result =
  | { kind: "pending" }
  | { kind: "placed"; place: number; gap: number; photo: boolean }
  | { kind: "out"; why: "FALSE_START" | "LOCKED_OUT" };

let link: Session | null = null;
let conn: ConnState = "offline";
let joinedOnce = false;
let me: { id: string; name: string } | null = null;
let view: RoomView | null = null;
let result: Result | null = null;
/** When the armed round opens, on this page's performance.now() clock, and whether that has passed. */
let release: { round: number; at: number; passed: boolean } | null = null;
let stopCountdown: () => void = () => {};
let waitingFor: string | null = null;

ui.code.textContent = pathRoom ?? DEFAULT_ROOM;

/** The button's state and the live region's text, from everything known; called on every change. */
function render(): void {
  let state: string;
  let big: string;
  let small: string;
  let said: string;
  const lockedOut = view?.lockedOut === true;
  if (conn !== "online" || !view) {
    state = joinedOnce ? "offline" : "connecting";
    big = waitingFor ? "Waiting" : joinedOnce ? "Offline" : "…";
    small = waitingFor ?? (joinedOnce ? "Reconnecting…" : "Connecting…");
    said = small;
  } else if (result?.kind === "placed" && result.place === 1) {
    state = "first";
    big = "You were first!";
    small = result.photo ? "Photo finish" : "1st place";
    said = "You were first!";
  } else if (result?.kind === "placed") {
    state = "placed";
    big = gapLabel(result.gap);
    small = `${ordinal(result.place)} place${result.photo ? " · photo finish" : ""}`;
    said = `${ordinal(result.place)} place, ${gapLabel(result.gap)} behind the winner`;
  } else if (result?.kind === "out" || lockedOut) {
    state = "out";
    big = "Locked out";
    small =
      result?.kind === "out" && result.why === "FALSE_START" ? "False start" : "Wait for the next round";
    said = `Locked out${small === "False start" ? ": false start" : ""}`;
  } else if (result?.kind === "pending") {
    state = "pending";
    big = "Buzzed!";
    small = "Waiting for the result…";
    said = "Buzzed";
  } else if (view.phase === "open" || (release?.round === view.round && release.passed)) {
    state = "open";
    big = "GO!";
    small = "Press now";
    said = "Go!";
  } else if (view.phase === "armed") {
    state = "armed";
    big = ui.big.dataset.count ?? "…";
    small = "Get ready";
    said = "Get ready";
  } else {
    state = "locked";
    big = "Wait";
    small = "Don't press yet";
    said = "Waiting for the host";
  }
  ui.buzz.dataset.state = state;
  if (ui.big.textContent !== big) ui.big.textContent = big;
  if (ui.small.textContent !== small) ui.small.textContent = small;
  // The live region changes only when the meaning does, so screen readers are not flooded.
  if (ui.status.textContent !== said) ui.status.textContent = said;
  ui.buzz.setAttribute("aria-label", `Buzz. ${big}. ${small}`);
  const count = view ? `· ${playersLabel(view.playerCount)}` : "";
  if (ui.playerCount.textContent !== count) ui.playerCount.textContent = count;
  showNote(ui.myPlace, myPlace());
}

/** This player's place under the order when the top places players are sent leave it out, else "". */
function myPlace(): string {
  if (result?.kind !== "placed" || result.place <= VIEW.top) return "";
  return `… ${ordinal(result.place)}: you ${gapLabel(result.gap)}${result.photo ? " · photo finish" : ""}`;
}

function renderOrderList(): void {
  const order = view?.order ?? [];
  renderOrder(ui.order, order, me?.id);
  ui.orderEmpty.hidden = order.length > 0;
}

function onMessage(msg: ServerMessage): void {
  switch (msg.type) {
    case "ping":
      return; // Already answered by the session.
    case "welcome":
      // A new id for our token means a server that forgot us: this round's result is not ours there.
      if (me && me.id !== msg.id) newRound();
      me = { id: msg.id, name: msg.name };
      joinedOnce = true;
      waitingFor = null;
      save({ name: msg.name, token: msg.token });
      ui.myName.textContent = msg.name;
      ui.code.textContent = msg.room;
      showGame();
      break;
    case "state":
      if (view && msg.round !== view.round) newRound();
      view = msg;
      if (msg.phase === "armed" && msg.countdown !== undefined && release?.round !== msg.round) {
        startCountdown(msg.round, performance.now() + msg.countdown);
      }
      if (msg.phase !== "armed") {
        stopCountdown();
        if (release?.round !== msg.round || msg.phase === "locked") release = null;
      }
      renderOrderList();
      break;
    case "release":
      startCountdown(msg.round, msg.at ?? performance.now() + msg.countdown);
      break;
    case "verdict":
      if (view && msg.round < view.round) return;
      result = { kind: "placed", place: msg.place, gap: msg.gap, photo: msg.photo };
      vibrate(msg.place === 1 ? [90, 50, 90, 50, 240] : 120);
      break;
    case "error":
      onError(msg.code, msg.message);
      break;
  }
  render();
}

function onError(code: string, message: string): void {
  switch (code) {
    case "FALSE_START":
    case "LOCKED_OUT":
      result = { kind: "out", why: code };
      vibrate(400);
      return;
    case "NO_SUCH_ROOM":
      // The session retries: the room opens when its host arrives (or again after a server restart).
      // A mistyped code looks the same to the server as a room not open yet: the player is told both.
      waitingFor = `No room ${pathRoom ?? DEFAULT_ROOM} is open: check the code, or wait for its host…`;
      return;
    case "BAD_TOKEN": {
      const saved = load();
      if (saved) save({ name: saved.name });
      return restart();
    }
    case "BAD_NAME":
    case "BAD_ROOM":
    case "BANNED":
    case "TOO_MANY_ROOMS":
      stop();
      showForm(message);
      return;
    case "ROUND_LOCKED":
    case "RATE_LIMITED":
      if (result?.kind === "pending") result = null;
      notice(message);
      return;
  }
}

let noticeTimer = 0;
/** Shows a short message under the button for a few seconds, in place of the key hint. */
function notice(text: string): void {
  ui.notice.textContent = text;
  ui.hint.hidden = true;
  clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => {
    ui.notice.textContent = "";
    ui.hint.hidden = false;
  }, 4000);
}

function newRound(): void {
  result = null;
  release = null;
  stopCountdown();
  delete ui.big.dataset.count;
}

function startCountdown(round: number, at: number): void {
  stopCountdown();
  if (view && round < view.round) return;
  release = { round, at, passed: false };
  stopCountdown = countdown(
    at,
    (seconds) => {
      ui.big.dataset.count = String(seconds);
      render();
    },
    () => {
      if (release?.round === round) release.passed = true;
      delete ui.big.dataset.count;
      render();
    },
  );
}

/** A press: `at` is the event's timeStamp, the same clock as performance.now(). */
function press(at: number): void {
  if (!link || ui.game.hidden) return;
  const now = performance.now();
  // Events stamped in the future or long ago (odd platforms) are replaced by the handling time.
  const time = at > 0 && at <= now && now - at < 1000 ? at : now;
  if (result) return; // Already pressed this round: the server would only repeat its answer.
  // Sent now or never: a press kept for a later reconnect would arrive long after the moment.
  if (!link.sendNow({ type: "buzz", at: time })) {
    notice("Not connected: that press was not sent");
    return;
  }
  result = { kind: "pending" };
  render();
}

ui.buzz.addEventListener("pointerdown", (event) => {
  if (event.pointerType === "mouse" && event.button !== 0) return;
  event.preventDefault();
  press(event.timeStamp);
});
// Keyboard and assistive-technology activation arrives as a click without a pointer (detail 0).
ui.buzz.addEventListener("click", (event) => {
  if (event.detail === 0) press(event.timeStamp);
});
ui.buzz.addEventListener("contextmenu", (event) => event.preventDefault());
document.addEventListener("keydown", (event) => {
  if (event.code !== "Space" && event.key !== " ") return;
  if (!isShortcut(event) || ui.game.hidden) return;
  // Space on another focused button (e.g. "Change name") activates that button instead.
  if (event.target instanceof HTMLButtonElement && event.target !== ui.buzz) return;
  event.preventDefault();
  if (!event.repeat) press(event.timeStamp);
});

function onStatus(status: SessionStatus): void {
  conn = connState(status, conn);
  setConn(ui.conn, conn);
  if (status.state === "gave up") {
    link = null;
    if (status.code === Close.KICKED) {
      const saved = load();
      if (saved) save({ name: saved.name });
    }
    showForm(`Disconnected: ${goneReason(status.code, status.reason)}.`);
  }
  render();
}

function start(name: string): void {
  stop();
  view = null;
  result = null;
  const saved = load();
  link = new Session({
    url: pageSocketUrl(),
    join: { name, room: pathRoom ?? undefined },
    // The stored token resumes this player; the session then keeps the token of each welcome.
    token: saved?.name === name ? saved.token : undefined,
    onMessage,
    onStatus,
    silence: 10_000,
  });
  showGame();
  link.start();
}

function stop(): void {
  const old = link;
  link = null;
  void old?.close();
  me = null;
  conn = "offline";
  setConn(ui.conn, conn);
}

function restart(): void {
  const saved = load();
  if (saved) start(saved.name);
}

function showGame(): void {
  ui.conn.hidden = false;
  ui.form.hidden = true;
  ui.game.hidden = false;
  render();
}

function showForm(error = ""): void {
  ui.conn.hidden = true;
  ui.game.hidden = true;
  ui.form.hidden = false;
  ui.joinError.textContent = error;
  ui.name.value ||= load()?.name ?? "";
  ui.name.focus();
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const checked = checkName(ui.name.value);
  if (!checked.ok) {
    ui.joinError.textContent = checked.message;
    ui.name.focus();
    return;
  }
  const saved = load();
  // A new name is a new player: the old token belongs to the old name.
  save(saved?.name === checked.msg ? saved : { name: checked.msg });
  ui.joinError.textContent = "";
  ui.myName.textContent = checked.msg;
  start(checked.msg);
});

ui.leave.addEventListener("click", () => {
  stop();
  const saved = load();
  if (saved) save({ name: saved.name });
  ui.name.value = saved?.name ?? "";
  showForm();
  setConn(ui.conn, "offline");
});

// Without a wake lock (plain http on a LAN) the player is told, instead of the screen going dark mid-game.
if (!keepScreenOn()) ui.screenHint.hidden = false;
whenBack(() => link?.reconnectNow());
const saved = load();
if (saved) {
  ui.myName.textContent = saved.name;
  start(saved.name);
} else {
  showForm();
}
