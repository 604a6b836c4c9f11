/**
 * The projector view: the room code and a QR code of the join link, the phase big, the winner
 * big and the order with gaps. It joins as a viewer (`watch`): no secret, no player slot, and it
 * never sends anything but its join.
 */
import { DEFAULT_ROOM, type RoomView } from "../protocol.ts";
import { Session } from "../session.ts";
import { qrSvg } from "./qr.ts";
import {
  byId,
  countdown,
  h,
  keepScreenOn,
  orderCutNote,
  pageSocketUrl,
  playersLabel,
  renderOrder,
  setConn,
  showNote,
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
  phase: byId("phase"),
  winner: byId("winner"),
  winnerName: byId("winner-name"),
  order: byId<HTMLOListElement>("order"),
  orderEmpty: byId("order-empty"),
  orderMore: byId("order-more"),
  roundLabel: byId("round-label"),
  playerCount: byId("player-count"),
};

let link: Session | null = null;
let stopCountdown: () => void = () => {};

/** Watches `code`: shows its join card at once, and its state as soon as the room exists. */
function watch(code: string): void {
  void link?.close();
  stopCountdown();
  ui.form.hidden = true;
  ui.stage.hidden = false;
  ui.room.value = code;
  const url = `${location.origin}/r/${code}`;
  ui.code.textContent = code;
  ui.url.textContent = url.replace(/^https?:\/\//, "");
  ui.qr.replaceChildren(qrSvg(url));
  ui.qr.setAttribute("aria-label", `QR code of the join link ${url}`);
  setPhase("locked", "…");
  render(null);
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
      if (msg.type === "state") render(msg);
      else if (msg.type === "error" && msg.code === "NO_SUCH_ROOM")
        setPhase("locked", "Waiting for the host");
      else if (msg.type === "error" && msg.code === "BAD_ROOM") showForm(msg.message);
    },
  });
  link = current;
  current.start();
}

function showForm(error = ""): void {
  void link?.close();
  link = null;
  setConn(ui.conn, "offline");
  stopCountdown();
  ui.stage.hidden = true;
  ui.form.hidden = false;
  ui.error.textContent = error;
  ui.room.focus();
  ui.room.select();
}

function setPhase(phase: string, text: string): void {
  ui.phase.dataset.phase = phase;
  if (ui.phase.textContent !== text) ui.phase.textContent = text;
}

function render(view: RoomView | null): void {
  stopCountdown();
  if (view?.phase === "armed" && view.countdown !== undefined) {
    stopCountdown = countdown(
      performance.now() + view.countdown,
      (s) => setPhase("armed", `Ready… ${s}`),
      () => setPhase("open", "GO!"),
    );
  } else if (view?.phase === "open") {
    setPhase("open", view.order.length ? "Open" : "GO!");
  } else if (view) {
    setPhase("locked", view.order.length ? "Locked" : "Get ready");
  }
  const order = view?.order ?? [];
  const winner = order[0];
  ui.winner.hidden = !winner;
  ui.winnerName.textContent = winner?.name ?? "";
  if (order[1]?.photo) ui.winnerName.append(h("span", "badge", "photo finish"));
  renderOrder(ui.order, order);
  ui.orderEmpty.hidden = order.length > 0;
  showNote(ui.orderMore, orderCutNote(order));
  ui.roundLabel.textContent = view ? `· round ${view.round}` : "";
  ui.playerCount.textContent = view ? `· ${playersLabel(view.playerCount)}` : "";
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

keepScreenOn();
whenBack(() => link?.reconnectNow());
const asked = new URLSearchParams(location.search).get("room");
if (asked !== null && !validRoom(asked)) {
  ui.room.value = "";
  showForm("The room code is 1 to 8 letters or digits.");
} else {
  watch((asked ?? DEFAULT_ROOM).toUpperCase());
}
