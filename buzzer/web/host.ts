/**
 * The host console: the join link and its QR code at the top; next question, open, arm with a
 * countdown, lock and new round (buttons and the keys n, o, c, l, r); the order with right and
 * wrong; the leaderboard; the players with their teams and moderation, and a search for any of
 * them; the round rules; and the downloads. While the connection is down it says so instead of showing the last phase.
 */
import {
  type ClientMessage,
  COUNTDOWN_MS,
  type ErrorCode,
  type LogFormat,
  type RoomView,
} from "../protocol.ts";
import type { SessionStatus } from "../session.ts";
import { nextQuestion } from "../view.ts";
import { armLabel, COUNTDOWN_RANGE, countdownMs } from "./host_checks.ts";
import { asking, dismiss } from "./host_dialog.ts";
import { FindBox } from "./host_find.ts";
import { showJoin } from "./host_join.ts";
import { Judging } from "./host_judge.ts";
import { OrderList } from "./host_order.ts";
import { PlayerTable } from "./host_players.ts";
import { rulesPanel } from "./host_rules.ts";
import { renderBoard, saveScores } from "./host_scores.ts";
import { hostLogin } from "./login.ts";
import { Beeper, byId, countdown, download, h, isShortcut, orderCutNote, showNote, shownOf } from "./ui.ts";
import { phaseDetail } from "./words.ts";

const ui = {
  code: byId("room-code"),
  console: byId("console"),
  joinLink: byId<HTMLAnchorElement>("join-url"),
  joinQr: byId("join-qr"),
  joinWarning: byId("join-warning"),
  screenLink: byId<HTMLAnchorElement>("screen-link"),
  round: byId("round-number"),
  phase: byId("phase"),
  detail: byId("phase-detail"),
  next: byId<HTMLButtonElement>("next"),
  open: byId<HTMLButtonElement>("open"),
  arm: byId<HTMLButtonElement>("arm"),
  lock: byId<HTMLButtonElement>("lock"),
  reset: byId<HTMLButtonElement>("reset"),
  seconds: byId<HTMLInputElement>("countdown"),
  armLabel: byId("arm-label"),
  order: byId<HTMLOListElement>("order"),
  orderEmpty: byId("order-empty"),
  orderMore: byId("order-more"),
  orderNote: byId("order-note"),
  scores: byId<HTMLOListElement>("scores"),
  scoresEmpty: byId("scores-empty"),
  teams: byId<HTMLOListElement>("teams"),
  teamsTitle: byId("teams-title"),
  scoresCsv: byId<HTMLButtonElement>("scores-csv"),
  players: byId<HTMLTableSectionElement>("players"),
  playersEmpty: byId("players-empty"),
  playersMore: byId("players-more"),
  playerCount: byId("player-count"),
  find: byId<HTMLInputElement>("find"),
  found: byId<HTMLTableSectionElement>("found"),
  foundNote: byId("found-note"),
  foundSaid: byId("found-said"),
  teamNames: byId<HTMLDataListElement>("team-names"),
  prune: byId<HTMLButtonElement>("prune"),
  rules: byId<HTMLFormElement>("rules"),
  rulesNote: byId("rules-note"),
  logCsv: byId<HTMLButtonElement>("log-csv"),
  logJsonl: byId<HTMLButtonElement>("log-jsonl"),
  logout: byId<HTMLButtonElement>("logout"),
};

const beeper = new Beeper();
let view: RoomView | null = null;
let room = "";
let online = false;
/** The round whose first buzz has been beeped (or was already there when the console opened). */
let beeped = -1;
let stopTimer: () => void = () => {};

const judging = new Judging(send);
const order = new OrderList(ui.order, judging);
const players = new PlayerTable(ui.players, send, judging);
const find = new FindBox(
  { input: ui.find, body: ui.found, note: ui.foundNote, said: ui.foundSaid },
  send,
  judging,
  () => {
    if (view) showPlayers(view);
  },
);
const showRules = rulesPanel(ui.rules, ui.rulesNote, send);

const login = hostLogin({
  onJoined(joined, code) {
    ui.console.hidden = !joined;
    ui.code.hidden = !joined;
    if (!joined) {
      dismiss();
      view = null;
      beeped = -1;
      return;
    }
    room = code;
    ui.code.textContent = code;
    ui.screenLink.href = `/screen?room=${encodeURIComponent(code)}`;
    void showJoin(code, { link: ui.joinLink, qr: ui.joinQr, warning: ui.joinWarning });
  },
  onStatus: showOnline,
  onMessage(msg) {
    if (msg.type === "state") onState(msg);
    else if (msg.type === "log") saveLog(msg.format, msg.data);
    else if (msg.type === "scores") saveScores(room, msg.data);
    else if (msg.type === "found") find.onFound(msg);
    else if (msg.type === "error") refused(msg.code, msg.message);
  },
});

/** Shows a refusal where it belongs: under the order, in a row's dialog, or at the top. */
function refused(code: ErrorCode, message: string): void {
  // A refusal names no command: one for the search out (Redis away, the host's rate) must not stop it.
  find.unanswered();
  if (code === "ROUND_OVER" || code === "UNAVAILABLE") {
    // Nothing was marked or taken back (the round is over, or Redis is away): the answers show the
    // marks as they stand.
    judging.refused();
    if (view) onState(view);
  }
  if (code === "ALREADY_JUDGED" || code === "NOT_JUDGED" || code === "ROUND_OVER") orderNotice(message);
  else if (!players.refused(message) && !find.table.refused(message)) ui.detail.textContent = message;
}

let orderNoteTimer = 0;
/**
 * Says under the order, for a few seconds, why a mark, undo or forgive was not counted (another tab
 * got there first, or the click was on a question that is over).
 */
function orderNotice(message: string): void {
  showNote(ui.orderNote, `${message[0]?.toUpperCase() ?? ""}${message.slice(1)}.`);
  clearTimeout(orderNoteTimer);
  orderNoteTimer = window.setTimeout(() => showNote(ui.orderNote, ""), 6000);
}

/** Online, the console shows the room; offline, it says so and greys what may be stale. */
function showOnline(status: SessionStatus): void {
  const was = online;
  online = status.state === "connected";
  ui.console.classList.toggle("offline", !online);
  for (const button of [ui.next, ui.open, ui.arm, ui.lock, ui.reset, ui.prune, ui.scoresCsv])
    button.disabled = !online;
  if (online) {
    if (view) onState(view);
    return;
  }
  // A question asked before the link went is cancelled; one asked since stays, to say it was not sent.
  if (was) dismiss();
  stopTimer();
  find.unanswered();
  ui.phase.dataset.phase = "offline";
  ui.phase.textContent = "offline";
  ui.detail.textContent =
    status.state === "gave up" ? "Disconnected" : "Not connected to the server: trying again…";
}

function onState(next: RoomView): void {
  const first = !view;
  view = next;
  if (first && next.order.length) beeped = next.round;
  if (next.order.length && beeped !== next.round) {
    beeped = next.round;
    beeper.beep();
  }
  if (!online) return;
  ui.round.textContent = String(next.round);
  ui.phase.dataset.phase = next.phase;
  ui.phase.textContent = next.phase;
  showTimer(next);
  ui.open.disabled = next.phase === "open";
  ui.arm.disabled = next.phase === "open";
  ui.lock.disabled = next.phase === "locked";
  order.render(next.round, next.order);
  ui.orderEmpty.hidden = next.order.length > 0;
  showNote(ui.orderMore, orderCutNote(next.order.length, next.placeCount));
  players.render(next.players);
  ui.playerCount.textContent = next.playerCount ? `(${next.playerCount})` : "";
  find.roomChanged(roomSize(next));
  showPlayers(next);
  const teams = next.teams ?? [];
  ui.teamNames.replaceChildren(...teams.map((t) => Object.assign(h("option"), { value: t.name })));
  renderBoard(
    { scores: ui.scores, empty: ui.scoresEmpty, teams: ui.teams, teamsTitle: ui.teamsTitle },
    next.scores ?? [],
    teams,
  );
  showRules(next.rules);
}

/** The player list, or while the host searches, the search's results in its place. */
function showPlayers(next: RoomView): void {
  const listed = !find.active;
  ui.players.hidden = !listed;
  ui.playersEmpty.hidden = !listed || next.players.length > 0;
  showNote(ui.playersMore, listed ? shownOf(next.players.length, roomSize(next)) : "");
}

/** Every player in the room, connected or away within the resume grace. */
function roomSize(next: RoomView): number {
  return next.playerCount + (next.offlineCount ?? 0);
}

/** The countdown to release while armed, the question timer while open. */
function showTimer(next: RoomView): void {
  stopTimer();
  stopTimer = () => {};
  if (next.phase === "armed" && next.countdown !== undefined) {
    stopTimer = countdown(
      performance.now() + next.countdown,
      (s) => {
        ui.detail.textContent = `opens in ${s}`;
      },
      () => {
        ui.detail.textContent = "opening…";
      },
    );
  } else if (next.phase === "open" && next.closesIn !== undefined) {
    stopTimer = countdown(
      performance.now() + next.closesIn,
      (s) => {
        ui.detail.textContent = `${phaseDetail("open")} · closes in ${s} s`;
      },
      () => {
        ui.detail.textContent = "time is up";
      },
    );
  } else {
    // `lockedBy` is set once an open round is locked: a press then is too late, not a false start.
    ui.detail.textContent = phaseDetail(next.phase, next.lockedBy !== undefined);
  }
}

/** Sends a host message; says so and returns false when the console is not connected. */
function send(msg: ClientMessage): boolean {
  beeper.unlock();
  const sent = login.send(msg);
  if (!sent) ui.detail.textContent = "Not connected";
  return sent;
}

function armCountdown(): void {
  const ms = countdownMs(ui.seconds.value);
  if (ms === null) {
    ui.detail.textContent = COUNTDOWN_RANGE;
    ui.seconds.focus();
    return;
  }
  send({ type: "arm", countdown: ms, round: view?.round });
}

function saveLog(format: LogFormat, data: string): void {
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
  if (format === "csv") download(`buzzer-${room}-${stamp}.csv`, data, "text/csv");
  else download(`buzzer-${room}-${stamp}.jsonl`, data, "application/x-ndjson");
}

function showArmLabel(): void {
  ui.armLabel.textContent = armLabel(ui.seconds.value);
  ui.seconds.setAttribute("aria-invalid", String(countdownMs(ui.seconds.value) === null));
}

ui.seconds.value = String(COUNTDOWN_MS / 1000);
showArmLabel();
ui.seconds.addEventListener("input", showArmLabel);
// A new round names the round it leaves: a double click, or the same click on a second console, starts one.
// Open, countdown and lock name the round shown too: a late one (sent again after a server died) does nothing.
ui.next.addEventListener("click", () => send(nextQuestion(view)));
ui.open.addEventListener("click", () => send({ type: "arm", round: view?.round }));
ui.arm.addEventListener("click", armCountdown);
ui.lock.addEventListener("click", () => send({ type: "lock", round: view?.round }));
ui.reset.addEventListener("click", () => send({ type: "reset", round: view?.round }));
ui.prune.addEventListener("click", async () => {
  ui.detail.textContent = await players.prune(view?.offlineCount ?? 0, view?.order ?? []);
});
ui.scoresCsv.addEventListener("click", () => send({ type: "scores" }));
ui.logCsv.addEventListener("click", () => send({ type: "log", format: "csv" }));
ui.logJsonl.addEventListener("click", () => send({ type: "log", format: "jsonl" }));
ui.logout.addEventListener("click", () => login.signOut());

const keys: Record<string, HTMLButtonElement> = {
  n: ui.next,
  o: ui.open,
  c: ui.arm,
  l: ui.lock,
  r: ui.reset,
};
document.addEventListener("keydown", (event) => {
  beeper.unlock();
  if (ui.console.hidden || asking() || event.repeat || !isShortcut(event)) return;
  const button = keys[event.key.toLowerCase()];
  if (!button || button.disabled) return;
  event.preventDefault();
  button.click();
});
// Browsers allow sound only after a gesture: any touch or click on the page unlocks the beep.
document.addEventListener("pointerdown", () => beeper.unlock());
