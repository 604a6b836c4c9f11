/**
 * Who stands where in a round (placed, pending, locked out, answered), for lookups in O(1): derived
 * from the round's own lists, and handed on from round to round by the rules in round.ts.
 */
import type { Round, Standing } from "./round.ts";

/**
 * Each round's index of who stands where. It is derived from the round's own lists, never kept in
 * step by a caller: built on first use, then handed on to the round a rule makes from this one
 * (which is how a server uses rounds), so a lookup costs O(1) and a batch only its own size.
 */
const indexes = new WeakMap<Round, Map<string, Standing>>();

/** Where a player stands in a round. */
export function standing(round: Round, player: string): Standing {
  return indexOf(round).get(player);
}

/**
 * The round last looked up and its index: a burst asks about the same round thousands of times, and
 * a comparison costs less than a WeakMap lookup.
 */
let last: { round: Round | null; index: Map<string, Standing> } = { round: null, index: new Map() };

/** A round's index, built from its lists on first use (a rule that changes the round updates it as it goes). */
export function indexOf(round: Round): Map<string, Standing> {
  if (round === last.round) return last.index;
  let index = indexes.get(round);
  if (!index) {
    index = new Map();
    for (const p of round.placed) index.set(p.player, p);
    for (const p of round.pending) index.set(p.player, "pending");
    for (const id of round.lockedOut) index.set(id, "locked");
    for (const id of round.answered) index.set(id, "answered");
    indexes.set(round, index);
  }
  last = { round, index };
  return index;
}

/** Hands `round`'s index on to `next`, updated by the players that changed; `round` rebuilds its own if asked again. */
export function carry(round: Round, next: Round, changed?: (index: Map<string, Standing>) => void): Round {
  const index = indexes.get(round);
  if (index) {
    indexes.delete(round);
    changed?.(index);
    indexes.set(next, index);
    // The index is `next`'s now: `round` must not find it here either.
    if (last.round === round) last = { round: next, index };
  }
  return next;
}
