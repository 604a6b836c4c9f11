/**
 * The host console's buzz order, with a right and a wrong button on each place. New places are
 * appended (never the whole list rebuilt), so a screen reader announces each new place once
 * (the list is aria-live) and the button under the host's mouse stays the one clicked; places
 * already shown are updated in place (a rename, a verdict given from another tab).
 */
import type { ClientMessage, PlaceView } from "../protocol.ts";
import { h, orderItem } from "./ui.ts";

type Verdict = "right" | "wrong";

function judgeButton(text: string, className: string): HTMLButtonElement {
  const b = h("button", `small ${className}`, text);
  b.type = "button";
  return b;
}

/** One shown place: its element, and how to show a newer view of the same place. */
interface Item {
  li: HTMLLIElement;
  update: (p: PlaceView) => void;
}

/** The order list of the current round, with the verdicts given in it. */
export class OrderList {
  private round = -1;
  private items: Item[] = [];
  /**
   * Player id → the verdict this console sent this round, shown until the server's order says it:
   * a second click before that would only be refused.
   */
  private readonly sent = new Map<string, Verdict>();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly send: (msg: ClientMessage) => boolean,
  ) {}

  /** Shows a round's order: a new round starts an empty list; places already shown are updated. */
  render(round: number, order: readonly PlaceView[]): void {
    if (round !== this.round) {
      this.round = round;
      this.sent.clear();
      this.items = [];
      this.list.replaceChildren();
    }
    // Keep the places that still match, drop any that do not (a resync after a missed change).
    let keep = 0;
    while (
      keep < this.items.length &&
      keep < order.length &&
      this.items[keep]?.li.dataset.player === order[keep]?.id
    )
      keep++;
    for (const gone of this.items.splice(keep)) gone.li.remove();
    for (let i = 0; i < keep; i++) this.items[i]?.update(order[i] as PlaceView);
    const added = order.slice(keep).map((p) => this.item(p));
    this.items.push(...added);
    this.list.append(...added.map((item) => item.li));
  }

  private item(first: PlaceView): Item {
    const li = orderItem(first);
    const name = li.querySelector(".name")?.firstChild ?? null;
    const right = judgeButton("✓", "go");
    const wrong = judgeButton("✗", "danger");
    const judge = h("span", "judge");
    judge.append(right, wrong);
    li.append(judge);
    let place = first;
    const update = (p: PlaceView) => {
      place = p;
      if (name && name.textContent !== p.name) name.textContent = p.name;
      for (const [b, label] of [
        [right, `Right: ${p.name}`],
        [wrong, `Wrong: ${p.name}`],
      ] as const) {
        b.setAttribute("aria-label", label);
        b.title = label;
      }
      // The server's mark wins: it is there after a reload and in every tab of the console.
      const verdict = p.judged ?? this.sent.get(p.id);
      if (verdict) li.dataset.judged = verdict;
      else delete li.dataset.judged;
      right.disabled = wrong.disabled = verdict !== undefined;
      right.setAttribute("aria-pressed", String(verdict === "right"));
      wrong.setAttribute("aria-pressed", String(verdict === "wrong"));
    };
    const decide = (verdict: Verdict) => {
      if (place.judged || this.sent.has(place.id)) return;
      if (!this.send({ type: "judge", player: place.id, right: verdict === "right" })) return;
      this.sent.set(place.id, verdict);
      update(place);
    };
    right.addEventListener("click", () => decide("right"));
    wrong.addEventListener("click", () => decide("wrong"));
    update(first);
    return { li, update };
  }
}
