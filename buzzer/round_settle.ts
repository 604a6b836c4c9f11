/**
 * Round rules, pure: settling, which makes final every pending press that no later arrival can
 * precede, in press order, with its place, gap and photo finish (round.ts re-exports it with the
 * other rules).
 */
import type { Placed, Press, Round, Standing } from "./round.ts";
import { carry } from "./round_index.ts";

/** When the earliest pending press can become final, given the largest uplink bound still open. */
export function nextSettle(round: Round, maxBound: number, maxWait: number): number | null {
  const first = round.pending[0];
  return first ? Math.min(first.press + maxBound, first.arrival + maxWait) : null;
}

/**
 * Makes final every pending press that no later arrival can precede: its press is at or before
 * `horizon` (now minus the largest uplink bound of players who could still buzz), or it has
 * waited `maxWait`. With `teamFirst`, a press whose team has a place already takes none: it is
 * `answered`. Returns the round, the presses placed by this call in place order, and those answered.
 */
export function settle(
  round: Round,
  now: number,
  horizon: number,
  maxWait: number,
  teamFirst = false,
): { round: Round; placed: Placed[]; answered: Press[] } {
  // While a burst comes in, the earliest press is usually not final yet, and then none is.
  const first = round.pending[0];
  if (!first || (first.press > horizon && first.arrival + maxWait > now))
    return { round, placed: [], answered: [] };
  const queue = round.pending;
  const done: Placed[] = [];
  const answered: Press[] = [];
  // Decided in press order, here where places are: the team's earliest press wins, not its first arrival.
  const teams = new Set(teamFirst ? round.placed.map((p) => p.team) : []);
  let last = round.placed.at(-1);
  const winner = round.placed[0];
  let taken = 0;
  for (; taken < queue.length; taken++) {
    const next = queue[taken] as Press;
    if (next.press > horizon && next.arrival + maxWait > now) break;
    if (teamFirst && next.team !== undefined && teams.has(next.team)) {
      answered.push(next);
      continue;
    }
    teams.add(next.team);
    // A straggler past max-wait never jumps ahead of a place already announced.
    const press = last ? Math.max(next.press, last.press) : next.press;
    const first = winner ?? done[0];
    const { player, arrival, uncertainty, asks } = next;
    const placed: Placed = {
      player,
      press,
      arrival,
      uncertainty,
      asks,
      place: round.placed.length + done.length + 1,
      gap: first ? press - first.press : 0,
      photo: last ? press - last.press < uncertainty + last.uncertainty : false,
    };
    if (next.team !== undefined) placed.team = next.team;
    done.push(placed);
    last = placed;
  }
  if (done.length === 0 && answered.length === 0) return { round, placed: [], answered };
  const next = {
    ...round,
    // The queue is in press order: what is left of it starts with the next round's earliest press.
    pending: queue.slice(taken),
    placed: done.length ? round.placed.concat(done) : round.placed,
    answered: answered.length ? [...round.answered, ...answered.map((p) => p.player)] : round.answered,
  };
  const changed = (index: Map<string, Standing>) => {
    for (const p of done) index.set(p.player, p);
    for (const p of answered) index.set(p.player, "answered");
  };
  return { round: carry(round, next, changed), placed: done, answered };
}
