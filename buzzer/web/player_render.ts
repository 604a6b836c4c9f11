/**
 * What the player page shows, written into its elements: the button's face and the live regions,
 * the player count, the host's line, the player's place and standing, and the room's order.
 */
import type { RoomView } from "../protocol.ts";
import { renderStanding } from "./player_board.ts";
import { ui } from "./player_dom.ts";
import { type FaceInput, face, hostLine, myPlace, warnEarly } from "./player_face.ts";
import { playersLabel, renderOrder, showNote } from "./ui.ts";

/** Everything the page shows depends on, besides the countdown's seconds (kept on the button). */
export interface PageState extends Omit<FaceInput, "count"> {
  /** Whether the page joins the server's default room (its host line says so). */
  defaultRoom: boolean;
  /** The player's id, to mark its own lines. */
  me: string | undefined;
}

/** Shows the button's state and the live regions' text, from everything known; called on every change. */
export function renderPage(page: PageState): void {
  const { online, view, result } = page;
  const f = face({ ...page, count: ui.big.dataset.count });
  ui.buzz.dataset.state = f.state;
  if (ui.big.textContent !== f.big) ui.big.textContent = f.big;
  if (ui.small.textContent !== f.small) ui.small.textContent = f.small;
  // GO is announced at once, interrupting; everything else politely, and only when the meaning
  // changes, so screen readers are not flooded.
  const go = f.state === "open" ? f.said : "";
  if (ui.goStatus.textContent !== go) ui.goStatus.textContent = go;
  const said = go ? "" : f.said;
  if (ui.status.textContent !== said) ui.status.textContent = said;
  ui.buzz.setAttribute("aria-label", `Buzz. ${f.big}. ${f.small}`);
  ui.early.hidden = !warnEarly(f);
  const count = view ? `· ${playersLabel(view.playerCount)}` : "";
  if (ui.playerCount.textContent !== count) ui.playerCount.textContent = count;
  showNote(ui.hostLine, online ? hostLine(view, page.defaultRoom) : "");
  showNote(ui.myPlace, myPlace(result, view?.you?.judged));
  renderStanding(view, page.me);
}

/** Shows the room's order, the player's own line marked, or that nobody has pressed yet. */
export function renderOrderList(view: RoomView | null, me: string | undefined): void {
  const order = view?.order ?? [];
  renderOrder(ui.order, order, me);
  ui.orderEmpty.hidden = order.length > 0;
}
