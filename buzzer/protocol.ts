/**
 * The wire protocol of the server, the terminal client and the pages: every JSON message (each has a `type`)
 * and its limits (parse.ts checks each frame against them); the original's plain `buzz` is the other path.
 */

/** What the original protocol's clients send: the plain text `buzz`. */
export const PLAIN_BUZZ = "buzz";
/** The room that clients without a room code, and the original's plain-text clients, join. */
export const DEFAULT_ROOM = "MAIN";
/** The countdown a host arms by default (the `c` key and the console's preset), in ms. */
export const COUNTDOWN_MS = 3000;

/** Limits on what clients send. */
export const LIMITS = {
  /** Largest text frame the buzzer accepts, in bytes (larger ones are closed with 1009). */
  message: 4096,
  /** Longest player name, in characters, after trimming. */
  name: 32,
  /** Room codes: 1 to 8 letters or digits, case-insensitive. */
  room: 8,
  /** Longest host secret. */
  secret: 128,
  /** Most bytes the server queues for a client that does not read; past it the client is closed. */
  backlog: 1024 * 1024,
  /** Longest countdown a host may arm, in ms. */
  countdown: 60_000,
  /** Longest team name, in characters, after trimming. */
  team: 24,
  /** Most teams in one room. */
  teams: 20,
  /** Most points one award or rule may give or take. */
  points: 1000,
  /** Longest per-question timer, in ms. */
  timer: 600_000,
  /** Most names and tokens a room's host may ban. */
  bans: 1000,
  /** Longest player search a host may send, in UTF-16 units: a name pasted with invisible characters fits. */
  query: 128,
} as const;

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

/** Phases of a round: buzzes count only while open; a buzz while locked or armed is a false start. */
export type Phase = "open" | "locked" | "armed";

/** Messages a client sends. */
export type ClientMessage =
  /** Enter a room: as a player (`token` resumes), its host (`secret`) or a viewer (`watch`, a projector). */
  | {
      type: "join";
      name?: string;
      room?: string;
      token?: string;
      secret?: string;
      watch?: boolean;
      /** The team a new player joins (created if the room has room for one more). */
      team?: string;
    }
  /** A press; `at` is the client's monotonic time (performance.now()) of the key or touch event. */
  | { type: "buzz"; at?: number }
  /** Answer to a clock probe: the probe's id and the client's monotonic time on receipt. */
  | { type: "pong"; id: number; t: number }
  /** Host: open the round now, or after a countdown in ms (a synchronized release). */
  | { type: "arm"; countdown?: number }
  /** Host: lock the round (buzzes become false starts). */
  | { type: "lock" }
  /** Host: start a new round (locked, order and lockouts cleared). */
  | { type: "reset" }
  /** Host: start a new round and open it at once, or after a countdown in ms ("next question"). */
  | { type: "next"; countdown?: number }
  /** Host: remove a player from the room; with `ban`, its name and token cannot join again. */
  | { type: "kick"; player: string; ban?: boolean }
  /** Host: give a player another name. */
  | { type: "rename"; player: string; name: string }
  /** Host: remove every player who is not connected now. */
  | { type: "prune" }
  /** Host: lift a player's false start this round (and give back what it cost). */
  | { type: "forgive"; player: string }
  /** Host: give a player points (negative takes them away). */
  | { type: "award"; player: string; points: number }
  /** Host: mark a player's answer right or wrong: the room's rules say what that is worth. */
  | { type: "judge"; player: string; right: boolean }
  /** Host: put a player in a team (null: in none). */
  | { type: "team"; player: string; team: string | null }
  /** Host: change some of the room's rules. */
  | { type: "rules"; rules: Partial<Rules> }
  /** Host: ask for the scores as CSV. */
  | { type: "scores" }
  /** Host: find players by name (folded as names are compared), or by place this round (`12` or `#12`). */
  | { type: "find"; query: string }
  /** Host: ask for the fairness log. */
  | { type: "log"; format?: LogFormat }
  /** Ask for a fresh snapshot of the room (after a missed delta). */
  | { type: "sync" };

/** Formats the fairness log can be downloaded in. */
export type LogFormat = "jsonl" | "csv";

/** A player as everyone in the room sees them. */
export interface PlayerView {
  id: string;
  name: string;
  connected: boolean;
  lockedOut: boolean;
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
  /** Players in the team now. */
  players: number;
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
  /** A host is connected, or the server's terminal takes keys (with none, MAIN plays as the original). */
  hosted: boolean;
  /** Milliseconds until the per-question timer locks the open round, as of sending. */
  closesIn?: number;
  /** Hosts and viewers, once the open round is locked: what locked it (its timer, auto-lock, the host). */
  lockedBy?: "timer" | "autoLock" | "host";
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

/** Error codes a client may receive; the message says the same in words. */
export type ErrorCode =
  | "BAD_JSON"
  | "BAD_MESSAGE"
  | "NOT_JOINED"
  | "ALREADY_JOINED"
  | "BAD_NAME"
  | "NAME_TAKEN"
  | "BAD_ROOM"
  | "NO_SUCH_ROOM"
  | "TOO_MANY_ROOMS"
  | "BAD_TOKEN"
  | "BAD_SECRET"
  | "NOT_HOST"
  | "NOT_PLAYER"
  | "NO_SUCH_PLAYER"
  | "BANNED"
  | "BAD_TEAM"
  | "TOO_MANY_TEAMS"
  | "FALSE_START"
  | "TEAM_ANSWERED"
  | "ALREADY_JUDGED"
  | "LOCKED_OUT"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

/** Messages the server sends to JSON clients. */
export type ServerMessage =
  /** Joined (again on a rename): a player's id, name and token; a host's or viewer's id is its role. */
  | { type: "welcome"; id: string; name: string; room: string; token: string; host: boolean }
  | ({ type: "state" } & RoomView)
  | ({ type: "delta" } & RoomDelta)
  /** Your result: place, seconds behind the winner, and the original's line for it. */
  | { type: "verdict"; round: number; place: number; gap: number; photo: boolean; text: string }
  /** Clock probe: answer with a pong carrying your monotonic time. */
  | { type: "ping"; id: number }
  /** The armed round opens at `at` on your own monotonic clock (absent until your clock is synced). */
  | { type: "release"; round: number; at?: number; countdown: number }
  /** Your own score changed (or your rank did): sent to that player alone. */
  | ({ type: "score" } & OwnScore)
  /** A refusal; RATE_LIMITED for wrong secrets says in `retryIn` the whole seconds until a retry may pass. */
  | { type: "error"; code: ErrorCode; message: string; retryIn?: number }
  /** The fairness log, for the host who asked. */
  | { type: "log"; format: LogFormat; data: string }
  /** The answer to a host's `find`, to that host alone: the best matches first, and how many matched. */
  | { type: "found"; query: string; players: FoundPlayer[]; count: number }
  /** The scores as CSV, for the host who asked. */
  | { type: "scores"; format: "csv"; data: string };
