/**
 * The wire protocol's picture of a room: how it plays (its phase and rules), the snapshots and deltas
 * each kind of client is sent, and how much of a big room each is shown (VIEW). protocol.ts, the
 * messages that carry them, re-exports all of it: import from there.
 */

/** How a room plays: when rounds lock themselves, and what answers and false starts are worth. */
export interface Rules {
  /** Lock the round once this many places are decided (0: never). */
  autoLock: number;
  /** Lock the round this many ms after it opens (0: no timer). */
  timer: number;
  /** Points the host's "right" gives. */
  right: number;
  /** Points the host's "wrong" gives (0 or negative). */
  wrong: number;
  /** Points a false start gives (0 or negative); a forgiven false start gets them back. */
  falseStart: number;
  /** Only each team's first buzz takes a place; a teammate's later buzz is told the team answered. */
  teamFirst: boolean;
}

/** The rules of a new room: nothing automatic, one point for a right answer. */
export const DEFAULT_RULES: Rules = {
  autoLock: 0,
  timer: 0,
  right: 1,
  wrong: 0,
  falseStart: 0,
  teamFirst: false,
};

/** Where a player's recorded press stands: waiting for its place, placed, a false start, or beaten by its team. */
export type PressStanding = "pending" | "placed" | "locked" | "answered";

/** Phases of a round: buzzes count only while open; a buzz while locked or armed is a false start. */
export type Phase = "open" | "locked" | "armed";

/** When a player's false start came: before the round opened (`early`), or after it was open and closed (`late`). */
export type FalseStart = "early" | "late";

/** A player as everyone in the room sees them. */
export interface PlayerView {
  id: string;
  name: string;
  connected: boolean;
  lockedOut: boolean;
  /** Locked out for a press after the round was open and closed: too late, not early, and it cost nothing. */
  late?: true;
  points: number;
  team?: string;
  /** Measured round trip and jitter in ms, when known. */
  rtt?: number;
  jitter?: number;
}

/** A player a host's search found: as the player list shows it, with its place this round if it has one. */
export interface FoundPlayer extends PlayerView {
  place?: number;
  judged?: "right" | "wrong";
}

/** One place in a round's order. */
export interface PlaceView {
  id: string;
  name: string;
  place: number;
  /** Seconds behind the winner's press (0 for the winner). */
  gap: number;
  /** Closer to the place before than the two presses' combined uncertainty. */
  photo: boolean;
  /** How the host marked this answer, once it did. */
  judged?: "right" | "wrong";
}

/** A line of the leaderboard: rank 1 is the most points; equal points share a rank. */
export interface ScoreView {
  id: string;
  name: string;
  team?: string;
  points: number;
  rank: number;
}

/** A team on the leaderboard: its members' points added up. */
export interface TeamView {
  name: string;
  points: number;
  /** Players in the team connected now. */
  players: number;
  /** Players in the team away now (within the resume grace), when any: not counted in `players`. */
  away?: number;
  rank: number;
}

/** One player's own score, as only that player is told it. */
export interface OwnScore {
  points: number;
  rank: number;
  team?: string;
  /** How the host marked this player's answer this round, once it did (its place may be past VIEW.top). */
  judged?: "right" | "wrong";
}

/**
 * A room's snapshot: on join, resume or `sync`, and to hosts and viewers on every change. Players get
 * the top of the order and no player list (a phone needs neither for a big room), then deltas.
 */
export interface RoomView {
  room: string;
  /** The last delta players were sent: the next one they may apply is `version + 1`. */
  version: number;
  round: number;
  phase: Phase;
  /** Milliseconds until release while armed, as of sending. */
  countdown?: number;
  /** The first players, up to VIEW.players (none for players). */
  players: PlayerView[];
  /** Players connected now (not those away within the resume grace). */
  playerCount: number;
  /** Hosts and viewers: players away now (within the resume grace), listed or not. */
  offlineCount?: number;
  /** The first places, up to VIEW.order for hosts and viewers, VIEW.top for players. */
  order: PlaceView[];
  /** Hosts and viewers: places in the round's order, listed or not. */
  placeCount?: number;
  /** In a snapshot sent to one player: whether that player is locked out of this round. */
  lockedOut?: boolean;
  /** In a snapshot sent to one player locked out of this round: when its false start came, to say why again. */
  falseStart?: FalseStart;
  /**
   * In a snapshot sent to one player: where the press the room recorded from it this round stands
   * (absent: none), so a client that lost its connection before the answer knows if it got through.
   */
  press?: PressStanding;
  /** A host is connected, or the server's terminal takes keys (with none, MAIN plays as the original). */
  hosted: boolean;
  /** Milliseconds until the per-question timer locks the open round, as of sending. */
  closesIn?: number;
  /**
   * Hosts and viewers: the round has been open since it began, opened by no one (the default room's
   * first round, open as the original's is), so no GO was given: the projector keeps its lobby.
   */
  openFromStart?: true;
  /** Hosts and viewers, once the open round is locked: what locked it (its timer, auto-lock, the host). */
  lockedBy?: "timer" | "autoLock" | "host";
  /**
   * Hosts and viewers: the round has not been played (never opened, no press, no lockout), so a
   * `next` opens it rather than starting another; a host's next from it says so (see protocol.ts next).
   */
  unplayed?: true;
  /** The leaderboard's top, up to VIEW.scores for hosts and viewers, VIEW.top for players. */
  scores: ScoreView[];
  /** Lines on the whole leaderboard, players who left with points included: what a rank is out of. */
  scoreCount: number;
  /** Every team, best first. */
  teams: TeamView[];
  /** Hosts and viewers: the room's rules. */
  rules?: Rules;
  /** In a snapshot sent to one player: that player's own score. */
  you?: OwnScore;
}

/**
 * What changed in a room since the previous version, as players get it. A new round replaces the order;
 * else `order` adds places by number (a place sent again, renamed or marked, replaces the one before).
 */
export interface RoomDelta {
  room: string;
  version: number;
  round?: number;
  phase?: Phase;
  countdown?: number;
  playerCount?: number;
  order?: PlaceView[];
  hosted?: boolean;
  closesIn?: number;
  /** The leaderboard's top, replacing the one before. */
  scores?: ScoreView[];
  scoreCount?: number;
  /** Every team, replacing the list before. */
  teams?: TeamView[];
}

/** How much of a room each kind of client is shown: what fits on its screen, with counts for the rest. */
export const VIEW = {
  /** Places a player is shown (its own place comes in its verdict). */
  top: 10,
  /** Places a host console or projector is shown. */
  order: 200,
  /** Players a host console or projector lists. */
  players: 200,
  /** Leaderboard lines a host console or projector is shown. */
  scores: 200,
  /** Players one search answers with (`count` says how many matched). */
  found: 20,
} as const;
