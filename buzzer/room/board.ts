/**
 * The leaderboard: every player's line and every kept departed player's, ranked (equal points share
 * a rank), the teams' totals, one player's own score, and the CSV a host downloads. Worked out at
 * most once per published view, however many points changed in between.
 */
import { csv } from "../../lib/csv.ts";
import { nameKey } from "../names.ts";
import type { OwnScore, ScoreView, TeamView } from "../protocol.ts";
import type { RoomEffect } from "./commands.ts";
import { reserveName, unreserveName } from "./room_names.ts";
import { changed, member, type Player, type Room, removePlayer } from "./state.ts";

/** A departed player's line, kept after the player is forgotten: its name (still its own), team, points and token. */
export interface Line {
  name: string;
  team: string | null;
  points: number;
  /** The address the player last joined from, if known: a join from it under the name brings the line back. */
  address?: string;
  /** The player's resume token, if it had one: a join with it brings the line back from anywhere. */
  token?: string;
}

/** Departed players' lines a room keeps: past it, the lowest goes (a long open room stays bounded). */
export const DEPARTED_KEPT = 1000;

/** The leaderboard as worked out from a room. */
export interface Board {
  /** Every line, best first. */
  lines: ScoreView[];
  /** Every team, best first. */
  teams: TeamView[];
  /** Each line's rank, by player id. */
  ranks: Map<string, number>;
}

/** The room's leaderboard, worked out again only if something changed since it last was. */
export function boardOf(room: Room): Board {
  if (room.board && !room.stale) return room.board;
  const all: Omit<ScoreView, "rank">[] = [];
  const add = (id: string, name: string, team: string | null, points: number) =>
    all.push(team === null ? { id, name, points } : { id, name, team, points });
  for (const p of room.players.values()) add(p.id, p.name, p.team, p.points);
  for (const [id, l] of room.departed) add(id, l.name, l.team, l.points);
  const lines = ranked(all.sort(byPoints));
  const totals = new Map<string, { name: string; points: number; players: number; away: number }>();
  for (const l of lines) {
    if (l.team === undefined) continue;
    const t = totals.get(l.team) ?? { name: l.team, points: 0, players: 0, away: 0 };
    t.points += l.points;
    // A member away may come back within the grace: counted apart, not as one of the team here now.
    const conn = room.players.get(l.id)?.conn;
    if (conn) t.players++;
    else if (conn === null) t.away++;
    totals.set(l.team, t);
  }
  const teams = ranked(
    [...totals.values()]
      .sort(byPoints)
      .map(({ away, ...t }): Omit<TeamView, "rank"> => (away ? { ...t, away } : t)),
  );
  room.board = { lines, teams, ranks: new Map(lines.map((l) => [l.id, l.rank])) };
  room.stale = false;
  return room.board;
}

/** A player's own score: points, rank (from the board as last worked out, so a join costs no sort) and team. */
export function ownScore(room: Room, player: Player): OwnScore {
  const board = room.board ?? boardOf(room);
  const rank = board.ranks.get(player.id) ?? 1 + above(board.lines, player.points);
  return player.team === null
    ? { points: player.points, rank }
    : { points: player.points, rank, team: player.team };
}

/** What a player's own score is compared by, to tell it only when it changed. */
export function ownKey(score: OwnScore): string {
  return `${score.points} ${score.rank} ${score.team ?? ""}`;
}

/**
 * Tells each connected JSON player its own score, if the last change of scores changed it (its
 * points, rank or team): one message each, however many awards came since the last publish.
 */
export function tellScores(room: Room, out: RoomEffect[]): void {
  if (!room.rescore) return;
  room.rescore = false;
  boardOf(room);
  for (const p of room.players.values()) {
    if (p.conn === null || p.plain) continue;
    const score = ownScore(room, p);
    const key = ownKey(score);
    if (key === p.told) continue;
    p.told = key;
    out.push({ type: "send", conn: p.conn, msg: { type: "score", ...score } });
  }
}

/**
 * Removes a player who is forgotten (left past the resume grace), keeping its line on the
 * leaderboard if it scored; a line with no points is not worth a place among the bounded ones.
 */
export function keepLine(room: Room, player: Player): void {
  removePlayer(room, player);
  const { name, team, points, address, token, plain } = player;
  // A plain-text player has no token to come back with (the original protocol cannot present one).
  const keeps = token && !plain ? { token } : {};
  addLine(room, player.id, { name, team, points, ...(address && { address }), ...keeps });
}

/** Keeps a departed player's line (if it scored), dropping the lowest line past DEPARTED_KEPT. */
export function addLine(room: Room, id: string, line: Line): void {
  if (line.points === 0) return;
  room.departed.set(id, line);
  if (line.address) room.returning.set(lineKey(line.address, line.name), id);
  reserveName(room, line.name, id);
  // A player holding the token already keeps it (a journal written before lines kept theirs).
  if (line.token && !room.tokens.has(line.token)) room.tokens.set(line.token, id);
  if (line.team !== null) member(room, line.team, 1);
  changed(room);
  if (room.departed.size > DEPARTED_KEPT) {
    let lowest: [string, Line] | null = null;
    for (const entry of room.departed) if (!lowest || entry[1].points < lowest[1].points) lowest = entry;
    dropLine(room, (lowest as [string, Line])[0]);
  }
}

/** Removes a departed player's line. */
export function dropLine(room: Room, id: string): void {
  const line = room.departed.get(id);
  if (!line) return;
  room.departed.delete(id);
  const key = line.address ? lineKey(line.address, line.name) : "";
  if (room.returning.get(key) === id) room.returning.delete(key);
  unreserveName(room, line.name, id);
  if (line.token && room.tokens.get(line.token) === id) room.tokens.delete(line.token);
  if (line.team !== null) member(room, line.team, -1);
  changed(room);
}

/** What a departed line is found by when its player joins again (see returning.ts): its address and name key. */
export function lineKey(address: string, name: string): string {
  return `${address}\n${nameKey(name)}`;
}

/** The leaderboard as CSV (rank,name,team,points), with text cells a spreadsheet cannot take for formulas. */
export function scoresCsv(board: Board): string {
  return csv([
    ["rank", "name", "team", "points"],
    ...board.lines.map((l) => [l.rank, l.name, l.team ?? "", l.points]),
  ]);
}

/** Best first: more points, then name. */
function byPoints(a: { points: number; name: string }, b: { points: number; name: string }): number {
  return b.points - a.points || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Ranks a list sorted best first: equal points share the rank of the first of them (1, 1, 3). */
function ranked<T extends { points: number }>(sorted: T[]): (T & { rank: number })[] {
  let rank = 0;
  return sorted.map((item, i) => {
    if (i === 0 || item.points !== (sorted[i - 1] as T).points) rank = i + 1;
    return { ...item, rank };
  });
}

/** How many lines of a best-first board have more than `points` (binary search). */
function above(lines: readonly ScoreView[], points: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((lines[mid] as ScoreView).points > points) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
