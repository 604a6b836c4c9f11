/** A client's copy of its room: the snapshot it was sent, kept current by deltas and score messages. Pure. */
import type { ClientMessage, OwnScore, PlaceView, RoomDelta, RoomView } from "./protocol.ts";

/**
 * The view after a delta. A delta the view already holds (sent before a newer snapshot) changes
 * nothing; one that skips a version returns null: the client missed a change and asks for a `sync`.
 */
export function applyDelta(view: RoomView, delta: RoomDelta): RoomView | null {
  if (delta.version <= view.version) return view;
  if (delta.version !== view.version + 1 || delta.room !== view.room) return null;
  const next: RoomView = { ...view, version: delta.version };
  if (delta.round !== undefined && delta.round !== view.round) {
    next.round = delta.round;
    next.order = [];
    next.lockedOut = false;
    delete next.falseStart;
    delete next.press;
    // The host's mark of one's own answer is this round's.
    if (next.you?.judged) next.you = withoutMark(next.you);
  }
  if (delta.phase !== undefined) next.phase = delta.phase;
  // Both are times left as of sending: they mean nothing once their phase (or round) is over.
  if (next.phase !== "armed") delete next.countdown;
  if (next.phase !== "open" || next.round !== view.round) delete next.closesIn;
  if (delta.countdown !== undefined) next.countdown = delta.countdown;
  if (delta.closesIn !== undefined) next.closesIn = delta.closesIn;
  if (delta.playerCount !== undefined) next.playerCount = delta.playerCount;
  if (delta.scoreCount !== undefined) next.scoreCount = delta.scoreCount;
  if (delta.order) next.order = mergeOrder(next.order, delta.order);
  if (delta.hosted !== undefined) next.hosted = delta.hosted;
  if (delta.scores) next.scores = delta.scores;
  if (delta.teams) next.teams = delta.teams;
  return next;
}

/** The view with a player's own score as its `score` message told it (sent to that player alone). */
export function applyScore(view: RoomView, score: OwnScore): RoomView {
  const you: OwnScore = { points: score.points, rank: score.rank };
  if (score.team !== undefined) you.team = score.team;
  // A mark is told once a round: a later score (another's award moved the rank) keeps it.
  const judged = score.judged ?? view.you?.judged;
  if (judged !== undefined) you.judged = judged;
  return { ...view, you };
}

/** A player's own score without the host's mark, as a new round starts it. */
function withoutMark({ judged: _, ...you }: OwnScore): OwnScore {
  return you;
}

/** Places merged by place number, in place order: a place sent twice is kept once. */
function mergeOrder(order: readonly PlaceView[], added: readonly PlaceView[]): PlaceView[] {
  const byPlace = new Map(order.map((p) => [p.place, p]));
  for (const p of added) byPlace.set(p.place, p);
  return [...byPlace.values()].sort((a, b) => a.place - b.place);
}

/**
 * The next question as a host asks for it from the room it sees: naming the round it leaves, and
 * whether that round was unplayed (then it is opened in place), so a double click or a second
 * console starts one question, never two.
 */
export function nextQuestion(view: RoomView | null): Extract<ClientMessage, { type: "next" }> {
  return { type: "next", round: view?.round, ...(view?.unplayed ? { unplayed: true } : {}) };
}
