/**
 * The projector view: the room code, a QR code of the join link and the room (screen_render.ts),
 * with sounds and a light theme for the room it is shown in. It joins as a viewer (`watch`): no
 * secret, no player slot, and it never sends anything but its join.
 */
import { DEFAULT_ROOM, type RoomView } from "../protocol.ts";
import { Session } from "../session.ts";
import { type Cue, cues } from "./cues.ts";
import { qrSvg } from "./qr.ts";
import { renderRoom, setPhase } from "./screen_render.ts";
import {
  Beeper,
  byId,
  countdown,
  h,
  keepScreenOn,
  pageSocketUrl,
  setConn,
  showStatus,
  validRoom,
  whenBack,
} from "./ui.ts";

const ui = {
  form: byId<HTMLFormElement>("room-form"),
  room: byId<HTMLInputElement>("room"),
  error: byId("room-error"),
  change: byId<HTMLButtonElement>("change-room"),
  conn: byId("conn"),
  stage: byId("stage"),
  code: byId("room-code"),
  qr: byId("qr"),
  url: byId("join-url"),
  warning: byId("join-warning"),
  timer: byId("timer"),
  sound: byId<HTMLButtonElement>("sound"),
  theme: byId<HTMLButtonElement>("theme"),
};

/** Each cue's tone: a bright GO, a high double-quick first buzz, a low false start. */
const TONES: Record<Cue, { frequency: number; ms: number }> = {
  go: { frequency: 880, ms: 350 },
  first: { frequency: 1320, ms: 200 },
  falseStart: { frequency: 196, ms: 450 },
};

let link: Session | null = null;
let last: RoomView | null = null;
/** The last round whose GO sounded: the local countdown and the server's state both announce it. */
let goRound = 0;
let stopCountdown: () => void = () => {};
let stopTimer: () => void = () => {};
const beeper = new Beeper();
let sound = false;

/** Where phones join: the server's reachable address (GET /join) when it says, else this page's own. */
async function joinBase(): Promise<{ url: string; reachable?: boolean }> {
  try {
    const res = await fetch("/join");
    const data = res.ok ? await res.json() : null;
    if (typeof data?.url === "string" && URL.canParse(data.url)) return data;
  } catch {
    // An older server without /join: this page's own address is the best guess.
  }
  return { url: location.origin };
}

/** Shows the join card for `code`: the URL phones can reach, as text and as a QR code. */
async function showJoin(code: string): Promise<void> {
  const base = await joinBase();
  if (ui.code.textContent !== code) return;
  const url = new URL(`/r/${code}`, base.url).href;
  // Typed without a scheme a phone tries http, so only https is spelt out.
  const shown = url.replace(/^http:\/\//, "");
  const path = shown.indexOf("/r/");
  ui.url.replaceChildren(h("span", "", shown.slice(0, path)), h("span", "", shown.slice(path)));
  ui.qr.replaceChildren(qrSvg(url));
  ui.qr.setAttribute("aria-label", `QR code of the join link ${url}`);
  ui.warning.hidden = base.reachable !== false;
}

/** Watches `code`: shows its join card at once, and its state as soon as the room exists. */
function watch(code: string): void {
  void link?.close();
  stopCountdown();
  stopTimer();
  ui.form.hidden = true;
  ui.stage.hidden = false;
  ui.room.value = code;
  ui.code.textContent = code;
  void showJoin(code);
  setPhase("locked", "…");
  last = null;
  renderRoom(null);
  history.replaceState(null, "", `/screen?room=${encodeURIComponent(code)}`);
  const current: Session = new Session({
    url: pageSocketUrl(),
    join: { room: code, watch: true },
    onStatus: (status) => {
      if (link !== current) return;
      showStatus(ui.conn, status);
      if (status.state === "gave up") setPhase("locked", "Disconnected");
    },
    onMessage: (msg) => {
      if (link !== current) return;
      if (msg.type === "state") show(msg);
      else if (msg.type === "error" && msg.code === "NO_SUCH_ROOM")
        setPhase("locked", "Waiting for the host");
      else if (msg.type === "error" && msg.code === "BAD_ROOM") showForm(msg.message);
    },
  });
  link = current;
  current.start();
}

function show(view: RoomView): void {
  for (const cue of cues(last, view)) {
    if (cue === "go" && goRound === view.round) continue;
    if (cue === "go") goRound = view.round;
    play(cue);
  }
  last = view;
  stopCountdown();
  renderRoom(view);
  if (view.phase === "armed" && view.countdown !== undefined) {
    stopCountdown = countdown(
      performance.now() + view.countdown,
      (s) => setPhase("armed", `Ready… ${s}`),
      () => {
        setPhase("open", "GO!");
        if (goRound !== view.round) play("go");
        goRound = view.round;
      },
    );
  }
  showTimer(view);
}

/** The per-question timer: minutes and seconds left while the round is open with one. */
function showTimer(view: RoomView): void {
  stopTimer();
  ui.timer.hidden = view.phase !== "open" || view.closesIn === undefined;
  if (ui.timer.hidden || view.closesIn === undefined) return;
  stopTimer = countdown(
    performance.now() + view.closesIn,
    (s) => {
      ui.timer.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    },
    () => {
      ui.timer.textContent = "0:00";
    },
  );
}

function play(cue: Cue): void {
  if (sound) beeper.beep(TONES[cue].frequency, TONES[cue].ms);
}

function showForm(error = ""): void {
  void link?.close();
  link = null;
  setConn(ui.conn, "offline");
  stopCountdown();
  stopTimer();
  ui.stage.hidden = true;
  ui.form.hidden = false;
  ui.error.textContent = error;
  ui.room.focus();
  ui.room.select();
}

/** Light for a washed-out projector, dark otherwise; the choice is kept on this machine. */
function setTheme(light: boolean): void {
  document.documentElement.dataset.theme = light ? "light" : "dark";
  ui.theme.setAttribute("aria-pressed", String(light));
  ui.theme.textContent = light ? "Dark theme" : "Light theme";
  try {
    localStorage.setItem("buzzer:screen:theme", light ? "light" : "dark");
  } catch {
    // Private mode: the theme lasts as long as the page.
  }
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const code = ui.room.value.trim();
  if (!validRoom(code)) {
    ui.error.textContent = "The room code is 1 to 8 letters or digits.";
    return;
  }
  watch(code.toUpperCase());
});
ui.change.addEventListener("click", () => showForm());
// Browsers allow sound only after a gesture on the page: this click is it.
ui.sound.addEventListener("click", () => {
  sound = !sound;
  if (sound) beeper.unlock();
  ui.sound.setAttribute("aria-pressed", String(sound));
  ui.sound.textContent = sound ? "Sound on" : "Sound off";
});
ui.theme.addEventListener("click", () => setTheme(document.documentElement.dataset.theme !== "light"));

const params = new URLSearchParams(location.search);
let storedTheme: string | null = null;
try {
  storedTheme = localStorage.getItem("buzzer:screen:theme");
} catch {
  // No storage: the URL and the default decide.
}
setTheme((params.get("theme") ?? storedTheme) === "light");
keepScreenOn();
whenBack(() => link?.reconnectNow());
const asked = params.get("room");
if (asked !== null && !validRoom(asked)) {
  ui.room.value = "";
  showForm("The room code is 1 to 8 letters or digits.");
} else {
  watch((asked ?? DEFAULT_ROOM).toUpperCase());
}
