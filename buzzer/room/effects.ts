/** Small helpers every part of the engine uses to produce effects: publish, refuse, log. */
import { PLAYERS_LOGGED } from "../../lib/log.ts";
import { placeLine, roundText } from "../format.ts";
import type { Rate } from "../limit.ts";
import { DEFAULT_ROOM, type ErrorCode, type ErrorDetail } from "../protocol.ts";
import type { Round } from "../round.ts";
import { ownKey, tellScores } from "./board.ts";
import type { GatewayEffect, RoomEffect } from "./commands.ts";
import { type Player, type Room, removePlayer } from "./state.ts";
import { playerDelta, playerView, staffView } from "./views.ts";

/** What an engine needs besides the room: limits, the server's secret, and where new ids come from. */
export interface Settings {
  /** Longest decision window, in ms. */
  maxWait: number;
  /** Most compensation for any player's link, in ms (see fair.ts). */
  maxCompensation: number;
  /** The default room's secret, which a host may use in every room. */
  mainSecret: string;
  /** Whether to produce log lines (with --quiet they are not even formatted). */
  logging: boolean;
  /** A fresh random id (32 hex digits); player ids are its first 8. */
  newId: () => string;
  /** How long a departed player may come back with its token before it is forgotten, in ms. */
  resumeGrace: number;
  /** The longest a buzz takes from a gateway to the owner across the bus, in ms (0 in one process). */
  busDelay?: number;
  /** How many new players one address may add to a room (default JOINS_PER_ADDRESS). */
  joinRate?: Rate;
}

/** Changes arriving within this many ms go out as one published view (in a room of a few players). */
export const PUBLISH_DELAY = 20;
/** Rooms up to this many players use PUBLISH_DELAY; a bigger one waits 1 ms more per PLAYERS_PER_MS more. */
const BIG_ROOM = 1000;
const PLAYERS_PER_MS = 50;
/** The longest a room's changes wait to go out together, in ms, however long buzzes keep coming. */
export const MAX_PUBLISH_DELAY = 250;

/** How long a room of `players` lets its changes wait for more, in ms: longer in a big room, where a view is one message per player. */
export function publishQuiet(players: number): number {
  return PUBLISH_DELAY + Math.max(0, players - BIG_ROOM) / PLAYERS_PER_MS;
}

/** How long this room's changes wait for more, in ms. */
function quiet(room: Room): number {
  return publishQuiet(room.players.size);
}

/** Marks the room's view to go out soon: changes within the delay go out together. */
export function publishSoon(room: Room, now: number): void {
  room.publish ??= { at: now + Math.min(quiet(room), MAX_PUBLISH_DELAY), latest: now + MAX_PUBLISH_DELAY };
}

/**
 * Puts a pending view off while buzzes are still arriving, up to MAX_PUBLISH_DELAY after it was
 * first due: a burst's verdicts go out before the view that lists its first places. In a big room
 * a view is one message to every player, a verdict one to one, and a view sent in the middle of a
 * burst would hold up every verdict still to come.
 */
export function holdPublish(room: Room, now: number): void {
  const { publish } = room;
  if (publish) publish.at = Math.min(publish.latest, Math.max(publish.at, now + quiet(room)));
}

/**
 * Sends the room's changes to everyone in it now: a snapshot to hosts and viewers, a delta to
 * players, and to each player whose own score changed, that score.
 */
export function publishNow(room: Room, now: number, out: RoomEffect[]): void {
  room.publish = null;
  const delta = playerDelta(room, now);
  if (delta)
    out.push({ type: "publish", room: room.code, audience: "players", msg: { type: "delta", ...delta } });
  out.push({
    type: "publish",
    room: room.code,
    audience: "staff",
    msg: { type: "state", ...staffView(room, now) },
  });
  tellScores(room, out);
}

/** Sends one connection a snapshot of the room: a player's, or the one hosts and viewers get. */
export function snapshot(
  room: Room,
  now: number,
  conn: string,
  player: string | null,
  out: RoomEffect[],
): void {
  const view = player === null ? staffView(room, now) : playerView(room, now, player);
  const p = player === null ? undefined : room.players.get(player);
  if (p && view.you) p.told = ownKey(view.you);
  out.push({ type: "send", conn, msg: { type: "state", ...view } });
}

/** Removes a player for good, in the journal too (so a restart does not bring it back). */
export function forget(room: Room, player: Player, out: RoomEffect[]): void {
  removePlayer(room, player);
  out.push({ type: "persist", entries: [{ e: "kick", room: room.code, id: player.id }] });
}

/** The player a host action names, or null after refusing the host with NO_SUCH_PLAYER. */
export function named(
  room: Room,
  conn: string | null,
  id: string,
  s: Settings,
  out: RoomEffect[],
): Player | null {
  const player = room.players.get(id);
  if (!player && conn) refuse(out, s, conn, "NO_SUCH_PLAYER", `no player ${id} in room ${room.code}`);
  return player ?? null;
}

/** Refusals the room's log already tells of, or that answer a player's extra press. */
const QUIET_REFUSALS: ReadonlySet<ErrorCode> = new Set([
  "FALSE_START",
  "LOCKED_OUT",
  "TEAM_ANSWERED",
  "ROUND_OVER",
]);

/** Refuses one connection's request with a code and a message (and a log line), and the detail its code carries. */
export function refuse(
  out: RoomEffect[],
  s: Settings,
  conn: string,
  code: ErrorCode,
  message: string,
  detail: ErrorDetail = {},
): void {
  // The server's terminal is the host's screen: a refusal is logged in words, and not at all when
  // it only repeats what the room logged already (a false start) or answers a player's extra press.
  if (s.logging && !QUIET_REFUSALS.has(code)) out.push({ type: "log", line: `Refused a client: ${message}` });
  out.push({ type: "error", conn, code, message, ...detail });
}

/** The log line for a round's phase: `Round 2: armed, opens in 3.0s`. */
export function roundLine(round: Round, now: number): string {
  const opensIn = round.phase === "armed" && round.releaseAt !== null ? round.releaseAt - now : null;
  return roundText(round.number, round.phase, opensIn);
}

/** A log line about a room (prefixed with its code, except in the default room). */
export function log(room: Room, line: string): RoomEffect {
  return { type: "log", line: room.code === DEFAULT_ROOM ? line : `[${room.code}] ${line}` };
}

/** Places of a round a big room prints one line each; the rest share one line. */
export const PLACES_LOGGED = 10;
/** A big room prints its player count each time it reaches a multiple of this, not each join and disconnect. */
const COUNT_EVERY = 100;

/**
 * The log line for a place in a room of `players`: every place in a small room; in a big one the
 * first PLACES_LOGGED, then one line saying where the rest are, then null.
 */
export function placeLog(
  place: number,
  name: string,
  gap: number,
  photo: boolean,
  players: number,
): string | null {
  if (place <= PLACES_LOGGED || players <= PLAYERS_LOGGED) return placeLine(place, name, gap, photo);
  if (place > PLACES_LOGGED + 1) return null;
  return `… places after ${PLACES_LOGGED} are not printed: the host console and --fairness-log have them`;
}

/**
 * The log line for a player who joined or left (`line`) in a room of `players` players, `online` of
 * them connected: the line itself in a small room, past PLAYERS_LOGGED a count at each COUNT_EVERY, else null.
 */
export function crowdLog(line: string, players: number, online: number, joined: boolean): string | null {
  if (players <= PLAYERS_LOGGED) return line;
  if (joined) return players % COUNT_EVERY === 0 ? `${players} players in the room` : null;
  return online % COUNT_EVERY === 0 ? `${online} players connected` : null;
}

/** What a client is told when the step that answered it was not kept: the room passed to another owner. */
export const NOT_KEPT = "the room passed to another server process before your request was kept: try again";

/** The refusals that tell each connection these effects answered that what it asked was not kept. */
export function notKept(out: readonly GatewayEffect[]): GatewayEffect[] {
  const conns = new Set<string>();
  for (const e of out) if ("conn" in e && e.type !== "close") conns.add(e.conn);
  return [...conns].map((conn) => ({ type: "error", conn, code: "UNAVAILABLE", message: NOT_KEPT }));
}
