/**
 * The player page: join a room with a name and a team (player_join.ts), then one huge buzz button
 * that reacts on pointerdown or the space bar and sends the event's own time (player_press.ts), the
 * countdown to an armed round's release (player_release.ts), what it shows (player_face.ts), the
 * player's score and rank, and the top of the leaderboard.
 */
import { Close } from "../../lib/close.ts";
import { awayText, takenText } from "../format.ts";
import type { PressFate } from "../press_fate.ts";
import { DEFAULT_ROOM, type RoomView, type ServerMessage } from "../protocol.ts";
import { Session, type SessionStatus } from "../session.ts";
import { notice, ui } from "./player_dom.ts";
import { bannedLine, type Result, resultAfter, resultAfterRefusal } from "./player_face.ts";
import { JoinForm } from "./player_join.ts";
import { onPress, pressTime } from "./player_press.ts";
import { Release } from "./player_release.ts";
import { renderOrderList, renderPage } from "./player_render.ts";
import {
  type ConnState,
  connState,
  goneReason,
  keepScreenOn,
  pageSocketUrl,
  roomFromPath,
  setConn,
  showNote,
  vibrate,
  whenBack,
  whenGone,
} from "./ui.ts";

/** The room the URL names (`/r/CODE`), or none for the server's default room, or a bad code. */
const linked = roomFromPath(location.pathname);
/** The room in the URL, or undefined for the server's default room (or a bad link, which joins nothing). */
const pathRoom = linked.ok ? linked.room : undefined;
/** The room this page joins, as the player reads it. */
const roomCode = pathRoom ?? DEFAULT_ROOM;

let link: Session | null = null;
let conn: ConnState = "offline";
let joinedOnce = false;
let me: { id: string; name: string } | null = null;
let view: RoomView | null = null;
let result: Result | null = null;
/** The last round this page saw open: locked again, a press in it is too late. */
let openedRound = 0;
const release = new Release((seconds) => {
  if (seconds === null) delete ui.big.dataset.count;
  else ui.big.dataset.count = String(seconds);
  render();
});
let waitingFor: string | null = null;
/** The resume token the current join sent, if any: the one a BANNED answer refuses. */
let joinToken: string | undefined;
const form = new JoinForm(pathRoom, (name, team) => {
  ui.myName.textContent = name;
  start(name, team);
});

ui.code.textContent = roomCode;

/** Shows everything known; called on every change. */
function render(): void {
  renderPage({
    online: conn === "online",
    joinedOnce,
    waitingFor,
    view,
    result,
    released: view !== null && release.passed(view.round),
    closed: view?.phase === "locked" && openedRound === view.round,
    defaultRoom: roomCode === DEFAULT_ROOM,
    me: me?.id,
  });
}

function onMessage(msg: ServerMessage, answers?: number | null): void {
  switch (msg.type) {
    case "ping":
      return; // Already answered by the session.
    case "alive":
      return; // Heard: the session's silence timer starts again.
    case "welcome":
      // A new id for our token means a server that forgot us: this round's result is not ours there.
      if (me && me.id !== msg.id) newRound();
      // Said by the join that numbered the name alone: a resume's welcome (a reload) does not say it again.
      if (msg.taken) showNote(ui.nameNote, takenText(msg.taken, msg.name, msg.room));
      else if (msg.away) showNote(ui.nameNote, awayText(msg.away, msg.name, msg.room));
      else if (msg.name !== me?.name) showNote(ui.nameNote, "");
      me = { id: msg.id, name: msg.name };
      joinedOnce = true;
      waitingFor = null;
      form.remember({ name: msg.name, team: form.saved?.team, token: msg.token });
      ui.myName.textContent = msg.name;
      ui.code.textContent = msg.room;
      showGame();
      break;
    case "state":
      if (view && msg.round !== view.round) newRound();
      // The host forgave our false start: the button is live again.
      if (msg.lockedOut === false && result?.kind === "out" && result.why !== "TEAM_ANSWERED") result = null;
      view = msg;
      if (msg.phase === "armed" && msg.countdown !== undefined && !release.has(msg.round)) {
        release.start(msg.round, performance.now() + msg.countdown, view.round);
      }
      if (msg.phase !== "armed") release.settle(msg.round, msg.phase);
      if (msg.phase === "open") openedRound = msg.round;
      renderOrderList(view, me?.id);
      break;
    case "release":
      release.start(msg.round, msg.at ?? performance.now() + msg.countdown, view?.round);
      break;
    case "verdict":
      if (view && msg.round < view.round) return;
      result = { kind: "placed", place: msg.place, gap: msg.gap, photo: msg.photo };
      vibrate(msg.place === 1 ? [90, 50, 90, 50, 240] : 120);
      break;
    case "error":
      onError(msg.code, msg.message, answers ?? null);
      break;
  }
  render();
}

/** A refusal; `answers` is the round of the press it answers, if it answers one. */
function onError(code: string, message: string, answers: number | null): void {
  switch (code) {
    case "FALSE_START":
    case "LOCKED_OUT":
    case "TEAM_ANSWERED":
      result = { kind: "out", why: code, message };
      vibrate(code === "TEAM_ANSWERED" ? 120 : 400);
      return;
    case "NO_SUCH_ROOM":
      // The session retries: the room opens when its host arrives (or again after a server restart).
      // A mistyped code looks the same to the server as a room not open yet: the player is told both.
      waitingFor = `No room ${roomCode} is open: check the code, or wait for its host…`;
      return;
    case "BAD_TOKEN":
      // A token the server does not know is banned nowhere either (a restart without its state).
      if (joinToken === form.bannedToken) form.forgetBan();
      form.forgetToken();
      return restart();
    case "BANNED":
      // After a welcome the session resumes with that welcome's token, the one saved.
      banned(form.saved?.token ?? joinToken);
      return;
    case "BAD_NAME":
    case "BAD_ROOM":
    case "BAD_TEAM":
    case "TOO_MANY_TEAMS":
    case "TOO_MANY_ROOMS":
      stop();
      showForm(message);
      return;
    case "RATE_LIMITED":
    case "ROUND_OVER":
    // Redis away (a cluster): the press was not taken, and the button is live again for the next.
    case "UNAVAILABLE":
      result = resultAfterRefusal(result, answers, view?.round);
      notice(message);
      return;
  }
}

function newRound(): void {
  result = null;
  // Why the name is numbered was news on joining: by the next question it only takes the button's room.
  showNote(ui.nameNote, "");
  release.clear();
  delete ui.big.dataset.count;
}

/** A press: `at` is the event's timeStamp, the same clock as performance.now(). */
function press(at: number): void {
  if (!link || ui.game.hidden) return;
  const time = pressTime(at, performance.now());
  if (result) return; // Already pressed this round: the server would only repeat its answer.
  // Sent now or never: a press kept for a later reconnect would arrive long after the moment.
  if (!link.sendNow({ type: "buzz", at: time })) {
    notice("Not connected: that press was not sent");
    return;
  }
  result = { kind: "pending" };
  render();
}

onPress(ui.buzz, () => !ui.game.hidden, press);

function onStatus(status: SessionStatus): void {
  conn = connState(status, conn);
  setConn(ui.conn, conn);
  if (status.state === "gave up") {
    link = null;
    if (status.code === Close.KICKED && status.reason.includes("banned")) return banned(form.saved?.token);
    if (status.code === Close.KICKED) form.forgetToken();
    showForm(`Disconnected: ${goneReason(status.code, status.reason)}.`);
  }
  render();
}

/** A press unanswered when the connection dropped, as the rejoin found it: one not recorded is told once. */
function pressFate(fate: PressFate): void {
  result = resultAfter(fate);
  if (fate.fate === "missing" || fate.fate === "ended") notice(fate.text);
  render();
}

/**
 * The host banned this player: the token (if known) is kept and sent with every later join to the
 * room, so this browser is refused under any name; the player is told in one sentence.
 */
function banned(token: string | undefined): void {
  if (token) form.rememberBan(token);
  form.forgetToken();
  stop();
  showForm(bannedLine(roomCode));
  render();
}

/**
 * Joins as `name` (in `team`, if a new player), resuming the remembered player of that name; a
 * browser banned from the room sends its banned token instead, whatever the name.
 */
function start(name: string, team?: string): void {
  stop();
  view = null;
  result = null;
  const saved = form.saved;
  joinToken = form.bannedToken ?? (saved?.name === name ? saved.token : undefined);
  link = new Session({
    url: pageSocketUrl(),
    join: { name, room: pathRoom, team },
    // The stored token resumes this player; the session then keeps the token of each welcome.
    token: joinToken,
    onMessage,
    onStatus,
    onPressFate: pressFate,
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
  const saved = form.saved;
  if (saved) start(saved.name, saved.team);
}

function showGame(): void {
  ui.conn.hidden = false;
  form.hide();
  ui.game.hidden = false;
  render();
}

function showForm(error = "", refill = false): void {
  ui.conn.hidden = true;
  ui.game.hidden = true;
  form.show(error, refill);
}

ui.leave.addEventListener("click", () => {
  stop();
  form.forgetToken();
  showForm("", true);
  setConn(ui.conn, "offline");
});

// Without a wake lock (plain http on a LAN) the player is told, instead of the screen going dark mid-game.
if (!keepScreenOn()) ui.screenHint.hidden = false;
whenBack(() => link?.reconnectNow());
whenGone(() => link?.dropNow());
const saved = form.saved;
if (!linked.ok) {
  // A link with a bad room code joins no room: the player is told to check it.
  ui.code.textContent = "";
  form.hide();
  ui.badLink.textContent = linked.message;
  ui.badLink.hidden = false;
} else if (saved) {
  ui.myName.textContent = saved.name;
  start(saved.name, saved.team);
} else {
  showForm();
}
