/**
 * The host console: open, arm with a countdown, lock and reset rounds (buttons and the keys
 * o, c, l, n), watch the order and the players' links, kick, beep on the first buzz, and download
 * the fairness log.
 */
import {
  type ClientMessage,
  COUNTDOWN_MS,
  DEFAULT_ROOM,
  type LogFormat,
  type PlayerView,
  type RoomView,
} from "../protocol.ts";
import { hostLogin } from "./login.ts";
import {
  Beeper,
  byId,
  countdown,
  download,
  h,
  isShortcut,
  orderCutNote,
  renderOrder,
  setConn,
  showNote,
  shownOf,
} from "./ui.ts";

const ui = {
  code: byId("room-code"),
  console: byId("console"),
  round: byId("round-number"),
  phase: byId("phase"),
  detail: byId("phase-detail"),
  open: byId<HTMLButtonElement>("open"),
  arm: byId<HTMLButtonElement>("arm"),
  lock: byId<HTMLButtonElement>("lock"),
  reset: byId<HTMLButtonElement>("reset"),
  seconds: byId<HTMLInputElement>("countdown"),
  armLabel: byId("arm-label"),
  order: byId<HTMLOListElement>("order"),
  orderEmpty: byId("order-empty"),
  orderMore: byId("order-more"),
  players: byId<HTMLTableSectionElement>("players"),
  playersEmpty: byId("players-empty"),
  playersMore: byId("players-more"),
  playerCount: byId("player-count"),
  logCsv: byId<HTMLButtonElement>("log-csv"),
  logJsonl: byId<HTMLButtonElement>("log-jsonl"),
  screenLink: byId<HTMLAnchorElement>("screen-link"),
  logout: byId<HTMLButtonElement>("logout"),
  joinHint: byId("join-hint"),
  conn: byId("conn"),
};

const beeper = new Beeper();
let view: RoomView | null = null;
let room = "";
/** The round whose first buzz has been beeped (or was already there when the console opened). */
let beeped = -1;
let stopCountdown: () => void = () => {};

const login = hostLogin({
  onJoined(joined, code) {
    ui.console.hidden = !joined;
    ui.code.hidden = !joined;
    if (!joined) {
      view = null;
      beeped = -1;
      return;
    }
    room = code;
    ui.code.textContent = code;
    const url = `${location.origin}/${code === DEFAULT_ROOM ? "" : `r/${code}`}`;
    ui.joinHint.textContent = `Players join at ${url}`;
    ui.screenLink.href = `/screen?room=${encodeURIComponent(code)}`;
  },
  onMessage(msg) {
    if (msg.type === "state") onState(msg);
    else if (msg.type === "log") saveLog(msg.format, msg.data);
    else if (msg.type === "error") ui.detail.textContent = msg.message;
  },
});

function onState(next: RoomView): void {
  const first = !view;
  view = next;
  if (first && next.order.length) beeped = next.round;
  if (next.order.length && beeped !== next.round) {
    beeped = next.round;
    beeper.beep();
  }
  ui.round.textContent = String(next.round);
  ui.phase.dataset.phase = next.phase;
  ui.phase.textContent = next.phase;
  stopCountdown();
  if (next.phase === "armed" && next.countdown !== undefined) {
    stopCountdown = countdown(
      performance.now() + next.countdown,
      (s) => {
        ui.detail.textContent = `opens in ${s}`;
      },
      () => {
        ui.detail.textContent = "opening…";
      },
    );
  } else {
    ui.detail.textContent = next.phase === "open" ? "buzzers live" : "";
  }
  ui.open.disabled = next.phase === "open";
  ui.arm.disabled = next.phase === "open";
  ui.lock.disabled = next.phase === "locked";
  renderOrder(ui.order, next.order);
  ui.orderEmpty.hidden = next.order.length > 0;
  showNote(ui.orderMore, orderCutNote(next.order));
  renderPlayers(next.players, next.playerCount);
}

function ms(value: number | undefined): string {
  return value === undefined ? "–" : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function renderPlayers(players: PlayerView[], total: number): void {
  const rows = players.map((p) => {
    const tr = h("tr");
    tr.dataset.player = p.id;
    const name = h("td", "name");
    const dot = h("span", p.connected ? "conn-dot on" : "conn-dot");
    dot.title = p.connected ? "connected" : "disconnected";
    name.append(dot, p.name, h("span", "visually-hidden", p.connected ? " (connected)" : " (disconnected)"));
    if (p.lockedOut) name.append(h("span", "badge out", "locked out"));
    const kick = h("button", "small danger", "Kick");
    kick.type = "button";
    kick.setAttribute("aria-label", `Kick ${p.name}`);
    kick.addEventListener("click", () => send({ type: "kick", player: p.id }));
    const action = h("td");
    action.append(kick);
    tr.append(name, h("td", "num", ms(p.rtt)), h("td", "num", ms(p.jitter)), action);
    return tr;
  });
  ui.players.replaceChildren(...rows);
  ui.playersEmpty.hidden = players.length > 0;
  ui.playerCount.textContent = total ? `(${total})` : "";
  showNote(ui.playersMore, shownOf(players.length, total));
}

function send(msg: ClientMessage): void {
  beeper.unlock();
  if (!login.send(msg)) ui.detail.textContent = "Not connected";
}

function armCountdown(): void {
  const seconds = Number(ui.seconds.value);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 60) {
    ui.detail.textContent = "Countdown: 0 to 60 seconds";
    ui.seconds.focus();
    return;
  }
  send({ type: "arm", countdown: Math.round(seconds * 1000) });
}

function saveLog(format: LogFormat, data: string): void {
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
  if (format === "csv") download(`buzzer-${room}-${stamp}.csv`, data, "text/csv");
  else download(`buzzer-${room}-${stamp}.jsonl`, data, "application/x-ndjson");
}

function showArmLabel(): void {
  const seconds = Number(ui.seconds.value);
  ui.armLabel.textContent =
    Number.isFinite(seconds) && ui.seconds.value !== "" ? `Countdown ${seconds} s` : "Countdown";
}

ui.seconds.value = String(COUNTDOWN_MS / 1000);
showArmLabel();
ui.seconds.addEventListener("input", showArmLabel);
ui.open.addEventListener("click", () => send({ type: "arm" }));
ui.arm.addEventListener("click", armCountdown);
ui.lock.addEventListener("click", () => send({ type: "lock" }));
ui.reset.addEventListener("click", () => send({ type: "reset" }));
ui.logCsv.addEventListener("click", () => send({ type: "log", format: "csv" }));
ui.logJsonl.addEventListener("click", () => send({ type: "log", format: "jsonl" }));
ui.logout.addEventListener("click", () => {
  login.signOut();
  setConn(ui.conn, "offline");
});

const keys: Record<string, HTMLButtonElement> = { o: ui.open, c: ui.arm, l: ui.lock, n: ui.reset };
document.addEventListener("keydown", (event) => {
  beeper.unlock();
  if (ui.console.hidden || event.repeat || !isShortcut(event)) return;
  const button = keys[event.key.toLowerCase()];
  if (!button || button.disabled) return;
  event.preventDefault();
  button.click();
});
// Browsers allow sound only after a gesture: any touch or click on the page unlocks the beep.
document.addEventListener("pointerdown", () => beeper.unlock());
