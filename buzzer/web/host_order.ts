/**
 * The host console's buzz order, with a right and a wrong button on each place. New places are
 * appended (never the whole list rebuilt), so a screen reader announces each new place once
 * (the list is aria-live) and the button under the host's mouse stays the one clicked.
 */
import type { ClientMessage, PlaceView } from "../protocol.ts";
import { h, orderItem } from "./ui.ts";

function judgeButton(text: string, label: string, className: string): HTMLButtonElement {
  const b = h("button", `small ${className}`, text);
  b.type = "button";
  b.setAttribute("aria-label", label);
  b.title = label;
  return b;
}

/** The order list of the current round, with the verdicts this console gave in it. */
export class OrderList {
  private round = -1;
  /** Player id → the verdict given this round (a second would count twice). */
  private readonly judged = new Map<string, "right" | "wrong">();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly send: (msg: ClientMessage) => boolean,
  ) {}

  /** Shows a round's order: a new round starts an empty list; places already shown stay as they are. */
  render(round: number, order: readonly PlaceView[]): void {
    if (round !== this.round) {
      this.round = round;
      this.judged.clear();
      this.list.replaceChildren();
    }
    const items = this.list.children;
    // Keep the places that still match, drop any that do not (a resync after a missed change).
    let keep = 0;
    while (
      keep < items.length &&
      keep < order.length &&
      (items[keep] as HTMLElement).dataset.player === order[keep]?.id
    )
      keep++;
    while (items.length > keep) items[items.length - 1]?.remove();
    this.list.append(...order.slice(keep).map((p) => this.item(p)));
  }

  private item(p: PlaceView): HTMLLIElement {
    const li = orderItem(p);
    const right = judgeButton("✓", `Right: ${p.name}`, "go");
    const wrong = judgeButton("✗", `Wrong: ${p.name}`, "danger");
    const judge = h("span", "judge");
    judge.append(right, wrong);
    li.append(judge);
    const mark = (verdict: "right" | "wrong") => {
      li.dataset.judged = verdict;
      right.disabled = wrong.disabled = true;
      right.setAttribute("aria-pressed", String(verdict === "right"));
      wrong.setAttribute("aria-pressed", String(verdict === "wrong"));
    };
    const given = this.judged.get(p.id);
    if (given) mark(given);
    const decide = (verdict: "right" | "wrong") => {
      if (this.judged.has(p.id) || !this.send({ type: "judge", player: p.id, right: verdict === "right" }))
        return;
      this.judged.set(p.id, verdict);
      mark(verdict);
    };
    right.addEventListener("click", () => decide("right"));
    wrong.addEventListener("click", () => decide("wrong"));
    return li;
  }
}
