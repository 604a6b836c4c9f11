/**
 * The host console's buzz order, with a right and a wrong button on each place. New places are
 * appended (never the whole list rebuilt), so a screen reader announces each new place once
 * (the list is aria-live) and the button under the host's mouse stays the one clicked; places
 * already shown are updated in place (a rename, a verdict given from another tab).
 */
import type { PlaceView } from "../protocol.ts";
import type { Judging } from "./host_judge.ts";
import { orderItem } from "./ui.ts";

/** One shown place: its element, and how to show a newer view of the same place. */
interface Item {
  li: HTMLLIElement;
  update: (p: PlaceView) => void;
}

/** The order list of the current round, with the verdicts given in it. */
export class OrderList {
  private round = -1;
  private items: Item[] = [];

  constructor(
    private readonly list: HTMLOListElement,
    private readonly judging: Judging,
  ) {}

  /** Shows a round's order: a new round starts an empty list; places already shown are updated. */
  render(round: number, order: readonly PlaceView[]): void {
    this.judging.showRound(round);
    if (round !== this.round) {
      this.round = round;
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
    const judge = this.judging.buttons(li, first);
    li.append(judge.el);
    const update = (p: PlaceView) => {
      if (name && name.textContent !== p.name) name.textContent = p.name;
      judge.update(p);
    };
    return { li, update };
  }
}
