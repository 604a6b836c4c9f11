/**
 * The order of presses in a round: by corrected press time, then arrival, then player id. The
 * round's pending presses are kept in this order (round.ts), so a settle reads them off the front.
 */
import type { Press } from "./round.ts";

/** Orders presses: earlier corrected press first; on an exact tie, earlier arrival, then player id. */
export function byPress(a: Press, b: Press): number {
  return (
    a.press - b.press || a.arrival - b.arrival || (a.player < b.player ? -1 : a.player > b.player ? 1 : 0)
  );
}

/**
 * Sorts presses in press order, in place. A batch mostly comes in about press order already: an
 * insertion sort then costs one comparison per press, where the engine's sort calls its comparator
 * n log n times. One that has to move presses much further (a batch in another order) is handed
 * to the engine's sort, so no order costs more than that sort and a few moves per press.
 */
export function sortByPress(list: Press[]): Press[] {
  const most = 4 * list.length;
  let moves = 0;
  for (let i = 1; i < list.length; i++) {
    const p = list[i] as Press;
    let j = i - 1;
    for (; j >= 0 && byPress(list[j] as Press, p) > 0; j--) list[j + 1] = list[j] as Press;
    list[j + 1] = p;
    moves += i - 1 - j;
    if (moves > most) return list.sort(byPress);
  }
  return list;
}

/**
 * Two lists in press order made one. Presses mostly come in about the order they were made, so
 * the new ones belong near the end: the front of `older` before the earliest new press is copied
 * as it is, found by binary search, and only the tail is merged.
 */
export function mergeByPress(older: readonly Press[], added: readonly Press[]): Press[] {
  const earliest = added[0] as Press;
  let lo = 0;
  let hi = older.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byPress(older[mid] as Press, earliest) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const out = older.slice(0, lo);
  let i = lo;
  let j = 0;
  while (i < older.length && j < added.length) {
    const a = older[i] as Press;
    const b = added[j] as Press;
    if (byPress(a, b) <= 0) {
      out.push(a);
      i++;
    } else {
      out.push(b);
      j++;
    }
  }
  // One list is used up: the rest of the other is in order already, and is copied as a block.
  if (i < older.length) return out.concat(older.slice(i));
  return j < added.length ? out.concat(added.slice(j)) : out;
}
