/**
 * Round rules, pure: phases, buzzes, lockouts, order and verdicts. Time is passed in (server
 * milliseconds); nothing here reads a clock, opens a socket or sets a timer.
 */
import { mergeByPress, sortByPress } from "./press_order.ts";
import { pressTiming } from "./press_timing.ts";
import type { Phase } from "./protocol.ts";
import { carry, indexOf, standing } from "./round_index.ts";

export { nextSettle, settle } from "./round_settle.ts";
export { standing };

/** Everyone who stands somewhere in a round, by id: for a scan of many players, one lookup of the index, not one per player. */
export function standings(round: Round): ReadonlyMap<string, Standing> {
  return indexOf(round);
}

/** A press recorded in a round, waiting until no earlier press can still arrive. */
export interface Press {
  player: string;
  /** Corrected press time on the server's clock (see fair.ts). */
  press: number;
  /** When the buzz reached the server. */
  arrival: number;
  /**
   * How far `press` may be off, in ms: the benefit of the doubt at a release. fair.ts `boundPress`
   * caps it at the server's max compensation, the most any player is ever compensated.
   */
  uncertainty: number;
  /** How many times the player buzzed this round (repeats get the same verdict again). */
  asks: number;
  /** The player's team when it pressed (only each team's first press is placed under `teamFirst`). */
  team?: string;
}

/** A press with its final place. */
export interface Placed extends Press {
  place: number;
  /** Milliseconds behind the winner's press. */
  gap: number;
  /** Closer to the place before than the two presses' combined uncertainty. */
  photo: boolean;
}

/** One round: its phase, recorded presses and lockouts. Immutable: every rule returns a new round. */
export interface Round {
  readonly number: number;
  readonly phase: Phase;
  /** When the round opened or opens; presses before it are false starts. Null: open from the start. */
  readonly releaseAt: number | null;
  /**
   * When the round began (the host's new round), or null where that is not known (a room's first
   * round, one restored after a restart): a press made before it, beyond doubt, was made in the round
   * before, and is neither placed nor a false start in this one.
   */
  readonly startedAt: number | null;
  /**
   * When the open round was locked (the host, its timer, auto-lock), or null: a press made before it
   * but heard after it was made while the round was open, and is recorded like any other; one that
   * may or may not have been made before it takes no place, and is no false start either.
   */
  readonly lockedAt: number | null;
  /**
   * The open spell (its release and lock) that a lock ended before the host opened the round again,
   * or null: a press made in it and heard after the re-opening was made while the round was open.
   */
  readonly earlier: Spell | null;
  /**
   * Recorded presses not yet final, in press order (earliest first): the rules keep it so, and a
   * settle takes final presses off its front without sorting the rest once per batch.
   */
  readonly pending: readonly Press[];
  /** Final presses, in place order. */
  readonly placed: readonly Placed[];
  readonly lockedOut: readonly string[];
  /** Players whose press came after a teammate's placed one (under `teamFirst`): they take no place. */
  readonly answered: readonly string[];
}

/** A time the round was open: from its release to its lock. */
export interface Spell {
  readonly from: number;
  readonly to: number;
}

/**
 * Why a buzz was refused: too early (a lockout), already locked out, a teammate's press came first,
 * or the round is over for it (it was made before the round began, or perhaps after its lock).
 */
export type RoundError = "FALSE_START" | "LOCKED_OUT" | "TEAM_ANSWERED" | "ROUND_OVER";

/** The outcome of a buzz: recorded (or a repeat), or refused with a code. */
export type BuzzResult =
  | { ok: true; round: Round; repeat: Placed | "pending" | null }
  | { ok: false; round: Round; code: RoundError };

/** A new round in the given phase, begun at `startedAt` if known (the default room starts open, like the original). */
export function newRound(number: number, phase: Phase = "locked", startedAt: number | null = null): Round {
  return {
    number,
    phase,
    releaseAt: null,
    startedAt,
    lockedAt: null,
    earlier: null,
    pending: [],
    placed: [],
    lockedOut: [],
    answered: [],
  };
}

/**
 * Opens the round now, or arms it to open `countdown` ms from now. An armed round's release only
 * comes nearer: players count down to it, and a second click of Countdown that moved it later would
 * make a press at the GO they saw a false start.
 */
export function arm(round: Round, now: number, countdown = 0): Round {
  if (round.phase === "open") return round;
  if (round.phase === "armed" && round.releaseAt !== null && now + countdown >= round.releaseAt) return round;
  // Opened again after a lock ended an open spell: that spell's late presses still count (a round
  // open from its start opened when it began).
  const from = round.releaseAt ?? round.startedAt;
  const to = round.lockedAt;
  const earlier = from !== null && to !== null ? { from, to } : round.earlier;
  return carry(
    round,
    countdown > 0
      ? { ...round, phase: "armed", releaseAt: now + countdown, lockedAt: null, earlier }
      : { ...round, phase: "open", releaseAt: now, lockedAt: null, earlier },
  );
}

/** Moves an armed round to open once its release time has come. */
export function release(round: Round, now: number): Round {
  return round.phase === "armed" && round.releaseAt !== null && now >= round.releaseAt
    ? carry(round, { ...round, phase: "open" })
    : round;
}

/** Locks the round at `now` (null: when is not known): presses made after it are false starts. */
export function lock(round: Round, now: number | null = null): Round {
  const lockedAt = round.phase === "open" ? now : round.lockedAt;
  return carry(round, { ...round, phase: "locked", lockedAt });
}

/** Starts the next round at `now`: locked, with order and lockouts cleared. */
export function reset(round: Round, now: number): Round {
  return newRound(round.number + 1, "locked", now);
}

/** Records a player's buzz: the first per round counts, a repeat is answered again, an early one locks out. */
export function buzz(round: Round, input: Omit<Press, "asks">): BuzzResult {
  const { round: next, outcomes } = buzzAll(round, [input]);
  const outcome = outcomes[0] as Outcome;
  return outcome.ok
    ? { ok: true, repeat: outcome.repeat, round: next }
    : { ok: false, code: outcome.code, round: next };
}

/** What became of one buzz of a batch. */
export type Outcome = { ok: true; repeat: Placed | "pending" | null } | { ok: false; code: RoundError };

// The outcomes that carry nothing of their own are shared: a burst of thousands allocates none.
const RECORDED: Outcome = { ok: true, repeat: null };
const PENDING_AGAIN: Outcome = { ok: true, repeat: "pending" };
const LOCKED_OUT: Outcome = { ok: false, code: "LOCKED_OUT" };
const FALSE_START: Outcome = { ok: false, code: "FALSE_START" };
const TEAM_ANSWERED: Outcome = { ok: false, code: "TEAM_ANSWERED" };
const ROUND_OVER: Outcome = { ok: false, code: "ROUND_OVER" };

/**
 * Where a player stands in a round: a final place, a pending press, locked out, beaten to it by a
 * teammate, or not in it yet.
 */
export type Standing = Placed | "pending" | "locked" | "answered" | undefined;

/**
 * Records a batch of buzzes in arrival order, as `buzz` would one by one, in one pass: a server
 * takes all the buzzes that arrived together at once. Lookups go through the round's index, and
 * only the lists a batch changes are copied (its new presses merged into the pending ones).
 */
export function buzzAll(
  round: Round,
  inputs: readonly Omit<Press, "asks">[],
): { round: Round; outcomes: Outcome[] } {
  // Lists are copied on first change only, so an unchanged round stays the same object.
  let placed: Placed[] | null = null;
  let pending: Press[] | null = null;
  let lockedOut: string[] | null = null;
  // The index is updated as the batch goes (a player may buzz twice in one batch), and handed on
  // to the new round at the end: every change also changes a list, so an unchanged round keeps it.
  const index = indexOf(round);
  // A press within its uncertainty of the release is no false start (press_timing.ts): it is placed
  // at the release itself.
  const releaseAt = round.releaseAt ?? -Infinity;
  // New presses, merged into the pending list (in press order) at the end of the batch.
  const added: Press[] = [];
  const outcomes = inputs.map((input): Outcome => {
    const { player, arrival, uncertainty } = input;
    const now = index.get(player);
    if (typeof now === "object") {
      placed ??= [...round.placed];
      const i = placed.findIndex((p) => p.player === player);
      const again = { ...(placed[i] as Placed), asks: (placed[i] as Placed).asks + 1 };
      placed[i] = again;
      index.set(player, again);
      return { ok: true, repeat: again };
    }
    if (now === "pending") {
      // Pending from an earlier batch, or from this one (not merged in yet).
      let list = added;
      let j = added.findIndex((p) => p.player === player);
      if (j < 0) {
        pending ??= [...round.pending];
        list = pending;
        j = pending.findIndex((p) => p.player === player);
      }
      list[j] = { ...(list[j] as Press), asks: (list[j] as Press).asks + 1 };
      return PENDING_AGAIN;
    }
    if (now === "locked") return LOCKED_OUT;
    if (now === "answered") return TEAM_ANSWERED;
    const timing = pressTiming(round, input.press, uncertainty);
    if (timing === "before" || timing === "unsure") return ROUND_OVER;
    if (timing === "early" || timing === "late") {
      lockedOut ??= [...round.lockedOut];
      lockedOut.push(player);
      index.set(player, "locked");
      return FALSE_START;
    }
    // Built field by field: an input may carry more (a gateway's claim), which a press does not keep.
    // One made in the round's earlier open spell keeps its time; one within its doubt of the release
    // is placed at the release.
    const at = timing === "earlier" ? input.press : Math.max(input.press, releaseAt);
    const press: Press = { player, press: at, arrival, uncertainty, asks: 1 };
    if (input.team !== undefined) press.team = input.team;
    added.push(press);
    index.set(player, "pending");
    return RECORDED;
  });
  if (added.length) pending = mergeByPress(pending ?? round.pending, sortByPress(added));
  const changed = placed || pending || lockedOut;
  if (!changed) return { round, outcomes };
  const next = {
    ...round,
    placed: placed ?? round.placed,
    pending: pending ?? round.pending,
    lockedOut: lockedOut ?? round.lockedOut,
  };
  return { round: carry(round, next), outcomes };
}

/** Lifts a player's lockout in this round: it may buzz again (a round where it is not locked out is unchanged). */
export function forgive(round: Round, player: string): Round {
  if (standing(round, player) !== "locked") return round;
  const next = { ...round, lockedOut: round.lockedOut.filter((id) => id !== player) };
  // Deleted, not set to undefined: a player with an entry is in the round, and the decision window
  // waits only for players who are not (decide.ts openLinks).
  return carry(round, next, (index) => index.delete(player));
}
