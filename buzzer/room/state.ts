/**
 * A room's data: its players, the current round and its fairness records, and the public view of
 * it (what players were told of it is views.ts's Told). Plain data and small functions; the engine
 * decides what happens to it.
 */
import type { Link } from "../fair.ts";
import { type Bucket, type Guard, UNUSED } from "../limit.ts";
import { nameKey } from "../names.ts";
import { DEFAULT_RULES, type Phase, type Rules } from "../protocol.ts";
import { newRound, type Round, standing } from "../round.ts";
import { type Bans, newBans } from "./bans.ts";
import type { Board, Line } from "./board.ts";
import type { Claim, FairnessRecord } from "./records.ts";
import { claimName, releaseName } from "./room_names.ts";
import type { Told } from "./views.ts";

/** A player in a room; survives disconnects so a resume keeps identity and recorded buzzes. */
export interface Player {
  id: string;
  name: string;
  token: string;
  /** Speaks the original's plain-text protocol (no resume token, one line per verdict). */
  plain: boolean;
  /** The connection the player is on, or null while away. */
  conn: string | null;
  /** What the gateway measured of the player's link, or null before the first measurement. */
  link: Link | null;
  /** When the player's connection went away (null while connected): it is forgotten after a grace period. */
  leftAt: number | null;
  points: number;
  team: string | null;
  /** The own score the player was last told (see board.ts ownKey), or null before its first snapshot. */
  told: string | null;
  /** The address the player last joined from (at most ADDRESS_KEPT characters; "" unknown): see returning.ts. */
  address: string;
  /** Its allowance of comebacks on a new connection (RESUMES_PER_PLAYER). */
  resumes: Bucket;
}

/** A player as it is added: with no points, in a team or none, told nothing yet. */
export type NewPlayer = Omit<Player, "points" | "team" | "told" | "address" | "resumes"> & {
  team?: string | null;
  address?: string;
};

/** The most of an address a player keeps: an address is a name for where a join came from, not data. */
export const ADDRESS_KEPT = 64;

/** A room: code, host secret, players by id, the current round and what it needs to decide it. */
export interface Room {
  code: string;
  secret: string;
  round: Round;
  players: Map<string, Player>;
  /** Resume token → the id of the player, or departed line (see board.ts Line), it is the token of. */
  tokens: Map<string, string>;
  /**
   * Names in use, compared as `nameKey` compares them, each with the id of the player or departed line
   * that holds it: a join finds a free name, or its offline holder (see returning.ts), without listing
   * every player.
   */
  names: Map<string, string>;
  /** The next number to try for a name already taken (so a thousand Alices cost no more than one). */
  suffixes: Map<string, number>;
  /** Departed lines by the address and name key they left with (see returning.ts), so a join finds its own. */
  returning: Map<string, string>;
  /** Per-press details from the gateway, kept until the press is placed and recorded. */
  claims: Map<string, Claim>;
  records: FairnessRecord[];
  /**
   * The longest links of connections that have not joined yet, per gateway: in the default room an
   * original client is a player only from its first buzz, but the window must already wait for it.
   */
  prospects: Map<string, { link: Link | null; unmeasured: boolean }>;
  /** How many anonymous players have joined, for their names. */
  anonymous: number;
  /**
   * When the room's view goes out next (changes are coalesced), and the latest it may be put off
   * to while buzzes keep arriving (see effects.ts holdPublish); null when nothing changed.
   */
  publish: { at: number; latest: number } | null;
  /** When pending presses should be looked at again, or null when none are pending. */
  settleAt: number | null;
  /** Hosts' and viewers' connections now: a leave or rebind said twice counts once. */
  watchers: Set<string>;
  /** Players connected now (see setConn, the one place it changes): what a view's playerCount says. */
  online: number;
  /** When anyone last did anything in the room: an idle, empty room is closed. */
  activeAt: number;
  /** The address that opened the room (each address may hold only a few). */
  openedBy: string;
  /**
   * An upper bound of the decision window's reach (see fair.ts windowReach), when it was last
   * measured, and whether every player seemed to be in the round then: a big room is not scanned for
   * every batch of buzzes (see decide.ts reachOf).
   */
  reach: { ms: number; at: number; everyone: boolean };
  /** Per-address allowances in this room (see guards.ts). */
  guards: Map<string, Guard>;
  /** The version of the last delta players were sent, and what it told them. */
  version: number;
  told: Told;
  rules: Rules;
  /** Hosts' connections in the room now (viewers are not hosts: with none, no one runs the room). */
  hosts: Set<string>;
  /** Whether the server's own terminal runs the room by keys: a host as much as a connected console. */
  terminal: boolean;
  /** When the per-question timer locks the open round, or null for no timer. */
  closesAt: number | null;
  /** What locked the round once it was open; null while open, or before it opened. */
  lockedBy: "timer" | "autoLock" | "host" | null;
  /** The round the last host's `next` started or opened, and when: a second within NEXT_TWIN_MS is that one again. */
  lastNext: { round: number; at: number } | null;
  /** Leaderboard lines of players forgotten after the resume grace, by their old id (bounded, see board.ts). */
  departed: Map<string, Line>;
  /** Teams by nameKey: the spelling first used, and how many players and departed lines are in each. */
  teams: Map<string, { name: string; members: number }>;
  /** The leaderboard as last worked out, and whether a score, team or line changed since. */
  board: Board | null;
  stale: boolean;
  /** Whether scores changed since players were last told their own (see board.ts tellScores). */
  rescore: boolean;
  /** Names and tokens the host removed for good: they cannot join again. */
  bans: Bans;
  /** How the host marked each answer this round, so an answer is marked once (a reloaded console too). */
  judged: Map<string, Mark>;
  /** Players locked out this round by a press after it was open and closed (too late, not too early). */
  late: Set<string>;
  /** Ids of the room's latest awards, so a copy of one gives nothing (see awards.ts). */
  awards: Set<string>;
}

/** The host's mark of an answer and the points it gave, by the rules then: an undo takes back those. */
export interface Mark {
  verdict: "right" | "wrong";
  points: number;
}

/** A new room in the given phase (the default room starts open so the first buzz wins, as in the original). */
export function newRoom(code: string, secret: string, phase: Phase = "locked", openedBy = ""): Room {
  return {
    code,
    secret,
    round: newRound(1, phase),
    players: new Map(),
    tokens: new Map(),
    names: new Map(),
    suffixes: new Map(),
    returning: new Map(),
    claims: new Map(),
    records: [],
    prospects: new Map(),
    anonymous: 0,
    publish: null,
    settleAt: null,
    watchers: new Set(),
    online: 0,
    activeAt: 0,
    openedBy,
    reach: { ms: 0, at: -Infinity, everyone: false },
    guards: new Map(),
    version: 0,
    told: {
      round: 1,
      phase,
      playerCount: 0,
      scoreCount: 0,
      places: 0,
      hosted: false,
      closesAt: null,
      scores: [],
      teams: [],
    },
    rules: { ...DEFAULT_RULES },
    hosts: new Set(),
    terminal: false,
    closesAt: null,
    lockedBy: null,
    lastNext: null,
    departed: new Map(),
    teams: new Map(),
    board: null,
    stale: true,
    rescore: false,
    bans: newBans(),
    judged: new Map(),
    late: new Set(),
    awards: new Set(),
  };
}

/** Adds a player to a room under a name no one else in it has: `Alice`, then `Alice (2)`… */
export function addPlayer(room: Room, player: NewPlayer): Player {
  const added: Player = {
    ...player,
    conn: null,
    name: claimName(room, player.name, player.id),
    points: 0,
    team: player.team ?? null,
    told: null,
    address: (player.address ?? "").slice(0, ADDRESS_KEPT),
    resumes: UNUSED,
  };
  room.players.set(added.id, added);
  setConn(room, added, player.conn);
  if (added.token) room.tokens.set(added.token, added.id);
  if (added.team !== null) member(room, added.team, 1);
  changed(room);
  return added;
}

/**
 * A new player's id: the first 8 digits of a fresh `newId()` that no player, departed line or press
 * in the round has. Eight hex digits repeat about once in 350 rooms of 5,000 players, and a repeated
 * id would hand the earlier player's place in the room to the newcomer (its buzzes refused NOT_PLAYER).
 */
export function freshId(room: Room, newId: () => string): string {
  for (;;) {
    const id = newId().slice(0, 8);
    if (!room.players.has(id) && !room.departed.has(id) && standing(room.round, id) === undefined) return id;
  }
}

/** Gives a player another name, made unique in the room as a joining player's is; returns it. */
export function renamePlayer(room: Room, player: Player, name: string): string {
  releaseName(room, player.name);
  player.name = claimName(room, name, player.id);
  changed(room);
  return player.name;
}

/**
 * Removes a player for good (kicked, pruned, or a plain-text client that can never come back): the
 * one path every removal takes, so whatever else a room keeps per player is dropped here too.
 */
export function removePlayer(room: Room, player: Player): void {
  room.players.delete(player.id);
  setConn(room, player, null);
  releaseName(room, player.name);
  if (room.tokens.get(player.token) === player.id) room.tokens.delete(player.token);
  if (player.team !== null) member(room, player.team, -1);
  changed(room);
}

/**
 * Puts a player on a connection, or off one (null): the one place the room's count of connected
 * players changes, so it stays right whichever way a player comes, goes or is removed.
 */
export function setConn(room: Room, player: Player, conn: string | null): void {
  const by = (conn !== null ? 1 : 0) - (player.conn !== null ? 1 : 0);
  room.online += by;
  player.conn = conn;
  // A team counts its members here now and those away apart: its line on the board changed.
  if (by !== 0 && player.team !== null) room.stale = true;
}

/** Counts a member in or out of a team: a team exists while it has a player or a departed line. */
export function member(room: Room, team: string, by: 1 | -1): void {
  const key = nameKey(team);
  const members = (room.teams.get(key)?.members ?? 0) + by;
  if (members > 0) room.teams.set(key, { name: room.teams.get(key)?.name ?? team, members });
  else room.teams.delete(key);
}

/** Notes that the leaderboard changed: it is worked out again, and players told, at the next publish. */
export function changed(room: Room): void {
  room.stale = true;
  room.rescore = true;
}
