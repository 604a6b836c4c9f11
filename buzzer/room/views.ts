/**
 * What a room looks like to the clients in it: a snapshot for hosts and viewers (the lists that fit
 * on their screens), a small snapshot for a player, and the delta players get for each change. The
 * bytes a player receives depend on what changed, never on how many are in the room.
 */
import { gapSeconds } from "../format.ts";
import {
  type OwnScore,
  type Phase,
  type PlaceView,
  type PlayerView,
  type RoomDelta,
  type RoomView,
  type ScoreView,
  type TeamView,
  VIEW,
} from "../protocol.ts";
import { standing } from "../round.ts";
import { boardOf, ownScore } from "./board.ts";
import type { Player, Room } from "./state.ts";

/** What players have been told of a room, so the next delta carries only what changed. */
export interface Told {
  round: number;
  phase: Phase;
  playerCount: number;
  /** Lines on the whole leaderboard (see RoomView.scoreCount). */
  scoreCount: number;
  /** How many of the round's first places they have been sent. */
  places: number;
  hosted: boolean;
  /** The timer's deadline players were sent (as closesIn), or null. */
  closesAt: number | null;
  /** The top of the leaderboard and the teams they were sent (also what a player's snapshot shows). */
  scores: ScoreView[];
  teams: TeamView[];
}

/** The room as hosts and viewers see it: the first players, places and scores, with counts, and the rules. */
export function staffView(room: Room, now: number): RoomView {
  const players: PlayerView[] = [];
  for (const p of room.players.values()) {
    if (players.length >= VIEW.players) break;
    players.push(listed(room, p));
  }
  const board = boardOf(room);
  return {
    ...common(room, now),
    players,
    offlineCount: room.players.size - room.online,
    order: places(room, 0, VIEW.order),
    placeCount: room.round.placed.length,
    scores: scorers(board.lines, VIEW.scores),
    teams: board.teams,
    rules: { ...room.rules },
    ...(room.lockedBy !== null ? { lockedBy: room.lockedBy } : {}),
    ...(unplayed(room) ? { unplayed: true as const } : {}),
    // Opening sets a release time; a round open without one was never opened (see round.ts newRound),
    // or was replayed from a journal, which keeps no open round's release time.
    ...(room.round.phase === "open" && room.round.releaseAt === null ? { openFromStart: true as const } : {}),
  };
}

/**
 * A round nothing has happened in yet: never opened (a journal does not keep the release time of
 * one that was, but keeps what locked it), no press and no lockout. A host's next opens it in place.
 */
export function unplayed(room: Room): boolean {
  const { placed, pending, lockedOut } = room.round;
  return !opened(room) && !placed.length && !pending.length && !lockedOut.length;
}

/** Whether the round has been opened or armed since it began. */
export function opened(room: Room): boolean {
  const { phase, releaseAt } = room.round;
  return phase !== "locked" || releaseAt !== null || room.lockedBy !== null;
}

/** A player as the host's list shows it (and a host's search finds it). */
export function listed(room: Room, p: Player): PlayerView {
  const lockedOut = standing(room.round, p.id) === "locked";
  return {
    id: p.id,
    name: p.name,
    connected: p.conn !== null,
    lockedOut,
    ...(lockedOut && room.late.has(p.id) ? { late: true as const } : {}),
    points: p.points,
    ...(p.team !== null ? { team: p.team } : {}),
    ...(p.link ? { rtt: hundredths(p.link.rtt), jitter: hundredths(p.link.jitter) } : {}),
  };
}

/**
 * The room as one player sees it on joining: the top of the order and of the leaderboard as
 * players were last told them (the next delta brings what changed since), its lockout and its score.
 */
export function playerView(room: Room, now: number, player: string): RoomView {
  const where = standing(room.round, player);
  const p = room.players.get(player);
  const { scores, teams } = room.told;
  return {
    ...common(room, now),
    players: [],
    order: places(room, 0, VIEW.top),
    lockedOut: where === "locked",
    ...(where === "locked"
      ? { falseStart: room.late.has(player) ? ("late" as const) : ("early" as const) }
      : {}),
    ...(where !== undefined ? { press: typeof where === "object" ? ("placed" as const) : where } : {}),
    scores,
    teams,
    ...(p ? { you: youOf(room, p.id, ownScore(room, p)) } : {}),
  };
}

/** A player's own score with the host's mark of its answer this round, if it has one. */
function youOf(room: Room, player: string, score: OwnScore): OwnScore {
  const mark = room.judged.get(player);
  return mark ? { ...score, judged: mark.verdict } : score;
}

/** What changed for players since they were last told, as the next version; null when nothing did. */
export function playerDelta(room: Room, now: number): RoomDelta | null {
  const { round, told } = room;
  const delta: RoomDelta = { room: room.code, version: room.version + 1 };
  if (round.number !== told.round) {
    delta.round = round.number;
    delta.phase = round.phase;
    told.places = 0;
  } else if (round.phase !== told.phase) {
    delta.phase = round.phase;
  }
  if (delta.phase === "armed" && round.releaseAt !== null) {
    delta.countdown = Math.max(0, Math.round(round.releaseAt - now));
  }
  if (room.online !== told.playerCount) delta.playerCount = room.online;
  const scoreCount = linesOf(room);
  if (scoreCount !== told.scoreCount) delta.scoreCount = scoreCount;
  const shown = Math.min(round.placed.length, VIEW.top);
  if (shown > told.places) delta.order = places(room, told.places, shown);
  const hosted = isHosted(room);
  if (hosted !== told.hosted) delta.hosted = hosted;
  const closesAt = closing(room);
  if (closesAt !== null && closesAt !== told.closesAt)
    delta.closesIn = Math.max(0, Math.round(closesAt - now));
  let { scores, teams } = told;
  // Compared as text: a top of VIEW.top lines and at most LIMITS.teams teams cost little to write out.
  const board = boardOf(room);
  const top = scorers(board.lines, VIEW.top);
  if (JSON.stringify(top) !== JSON.stringify(scores)) delta.scores = scores = top;
  if (JSON.stringify(board.teams) !== JSON.stringify(teams)) delta.teams = teams = board.teams;
  if (Object.keys(delta).length === 2) return null;
  room.version = delta.version;
  room.told = {
    round: round.number,
    phase: round.phase,
    playerCount: room.online,
    scoreCount,
    places: shown,
    hosted,
    closesAt,
    scores,
    teams,
  };
  return delta;
}

function common(room: Room, now: number): Omit<RoomView, "players" | "order" | "scores" | "teams"> {
  const { round } = room;
  const closesAt = closing(room);
  return {
    room: room.code,
    version: room.version,
    round: round.number,
    phase: round.phase,
    ...(round.phase === "armed" && round.releaseAt !== null
      ? { countdown: Math.max(0, Math.round(round.releaseAt - now)) }
      : {}),
    playerCount: room.online,
    scoreCount: linesOf(room),
    hosted: isHosted(room),
    ...(closesAt !== null ? { closesIn: Math.max(0, Math.round(closesAt - now)) } : {}),
  };
}

/**
 * Takes the leaderboard of a room restored from its journal as told: players who join or resume
 * see it in their snapshot at once, rather than in the delta after.
 */
export function toldAsRestored(room: Room): void {
  const board = boardOf(room);
  room.told = { ...room.told, scores: scorers(board.lines, VIEW.top), teams: board.teams };
}

/**
 * The first `max` lines of the leaderboard that have points: a line of zeros says nothing, and
 * leaving them out keeps a filling room from sending a new board on every join.
 */
function scorers(lines: readonly ScoreView[], max: number): ScoreView[] {
  const top: ScoreView[] = [];
  for (const line of lines) {
    if (top.length >= max) break;
    if (line.points !== 0) top.push(line);
  }
  return top;
}

/** Whether anyone runs the room: a host's connection, or the server's own terminal. */
function isHosted(room: Room): boolean {
  return room.hosts.size > 0 || room.terminal;
}

/** How many lines the leaderboard has: every player's and every kept departed player's (see board.ts boardOf). */
function linesOf(room: Room): number {
  return room.players.size + room.departed.size;
}

/**
 * Players' deltas only add places: a player's place they were sent goes out again in the next one
 * (marked, or shown as "(left)"), and the places after it with it.
 */
export function resendPlace(room: Room, player: string): void {
  const where = standing(room.round, player);
  if (typeof where === "object") room.told.places = Math.min(room.told.places, where.place - 1);
}

/** When the timer locks the round, while it is open; null otherwise. */
function closing(room: Room): number | null {
  return room.round.phase === "open" ? room.closesAt : null;
}

/** Places `from` to `to` of the round, with the host's marks (players see them too: see marks.ts judge). */
function places(room: Room, from: number, to: number): PlaceView[] {
  return room.round.placed.slice(from, to).map((p) => {
    const place: PlaceView = {
      id: p.player,
      name: room.players.get(p.player)?.name ?? "(left)",
      place: p.place,
      gap: gapSeconds(p.gap),
      photo: p.photo,
    };
    const mark = room.judged.get(p.player);
    if (mark) place.judged = mark.verdict;
    return place;
  });
}

function hundredths(ms: number): number {
  return Math.round(ms * 100) / 100;
}
