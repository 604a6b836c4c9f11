/**
 * The wire protocol of the server, the terminal client and the pages: every JSON message (each has a `type`)
 * and its limits (parse.ts checks each frame against them); the original's plain `buzz` is the other path.
 * The room they carry (views, rules, VIEW) is in protocol_views.ts, re-exported here.
 */

import type { FalseStart, FoundPlayer, OwnScore, RoomDelta, RoomView, Rules } from "./protocol_views.ts";

// The room the messages carry, re-exported: every module imports the one contract from here.
export type {
  FalseStart,
  FoundPlayer,
  OwnScore,
  Phase,
  PlaceView,
  PlayerView,
  PressStanding,
  RoomDelta,
  RoomView,
  Rules,
  ScoreView,
  TeamView,
} from "./protocol_views.ts";
export { DEFAULT_RULES, VIEW } from "./protocol_views.ts";

/** What some refusals say besides their code and message. */
export interface ErrorDetail {
  /** RATE_LIMITED for wrong secrets: the whole seconds until a retry may pass. */
  retryIn?: number;
  /** FALSE_START: whether the press came before the round opened, or after it was open and closed. */
  falseStart?: FalseStart;
}

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
  /** Most combining marks stacked on one character of a name or team (Zalgo text towers over the rows around it). */
  marks: 4,
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
  /** Longest id a host gives an award (letters, digits, `-` and `_`), so a copy of it is known. */
  awardId: 40,
} as const;

// The server refuses anything else (parse.ts), and the host console offers no more (web/host_rules.ts).
/** What each number rule may be, in whole numbers: a wrong answer or false start costs points or nothing, and a timer (ms) is none or at least a second. */
export const RULE_RANGES = {
  autoLock: { min: 0, max: 1000 },
  timer: { min: 0, least: 1000, max: LIMITS.timer },
  right: { min: -LIMITS.points, max: LIMITS.points },
  wrong: { min: -LIMITS.points, max: 0 },
  falseStart: { min: -LIMITS.points, max: 0 },
} as const;

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
  /**
   * Host: open the round now, or after a countdown in ms (a synchronized release); with `round`, only
   * if that round, the one the host sees, is still the room's (a late copy does not open the next one).
   */
  | { type: "arm"; countdown?: number; round?: number }
  /** Host: lock the round (buzzes become false starts); `round` as for arm (a late copy does not close the next question). */
  | { type: "lock"; round?: number }
  /**
   * Host: start a new round (locked, order and lockouts cleared); with `round`, only if that round,
   * the one the host sees, is still the room's (a double click or a second console starts one, not two).
   */
  | { type: "reset"; round?: number }
  /**
   * Host: start a new round and open it at once, or after a countdown in ms ("next question"); `round`
   * as for reset. An unplayed round is opened instead, keeping its number: `unplayed` says the host saw
   * it so (the view's `unplayed`), and such a next once the round was opened changes nothing (a double
   * click on the first question opens it once, not it and then the next).
   */
  | { type: "next"; countdown?: number; round?: number; unplayed?: boolean }
  /** Host: remove a player from the room; with `ban`, its name and token cannot join again. */
  | { type: "kick"; player: string; ban?: boolean }
  /** Host: give a player another name. */
  | { type: "rename"; player: string; name: string }
  /** Host: remove every player who is not connected now. */
  | { type: "prune" }
  /** Host: lift a player's false start this round (and give back what it cost); `round` as for judge. */
  | { type: "forgive"; player: string; round?: number }
  /**
   * Host: give a player points (negative takes them away). With `id`, chosen by the console afresh for
   * each award, a copy of it (one sent again after its room's owner died) gives nothing.
   */
  | { type: "award"; player: string; points: number; id?: string }
  /**
   * Host: mark a player's answer right or wrong: the room's rules say what that is worth. With `round`,
   * the round the host sees, only if the room is still in it (ROUND_OVER): a click on the last question's
   * order, from a console that has not shown the next one yet, is not for the answer of this one.
   */
  | { type: "judge"; player: string; right: boolean; round?: number }
  /** Host: take back the mark of a player's answer this round, and the points it gave (it may be marked again); `round` as for judge. */
  | { type: "unjudge"; player: string; round?: number }
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
  | "NOT_JUDGED"
  | "ROUND_OVER"
  | "LOCKED_OUT"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

/** Messages the server sends to JSON clients. */
export type ServerMessage =
  /**
   * Joined (again on a rename): a player's id, name and token; a host's or viewer's id is its role.
   * `taken`: the name a new player asked for, which another player has, as that player spells it
   * (`name` is the asked name numbered), said on that join alone, never on a resume. `away`, instead:
   * the player away (or departed line) whose name was asked, not given back because others joined
   * from the same address (see room/returning.ts).
   */
  | {
      type: "welcome";
      id: string;
      name: string;
      room: string;
      token: string;
      host: boolean;
      taken?: string;
      away?: string;
    }
  | ({ type: "state" } & RoomView)
  | ({ type: "delta" } & RoomDelta)
  /** Your result: place, seconds behind the winner, and the original's line for it. */
  | { type: "verdict"; round: number; place: number; gap: number; photo: boolean; text: string }
  /** Clock probe: answer with a pong carrying your monotonic time. */
  | { type: "ping"; id: number }
  /** Nothing new: a quiet room's players get it every few seconds, so a live connection is told from a dead one. */
  | { type: "alive" }
  /** The armed round opens at `at` on your own monotonic clock (absent until your clock is synced). */
  | { type: "release"; round: number; at?: number; countdown: number }
  /** Your own score changed (or your rank did): sent to that player alone. */
  | ({ type: "score" } & OwnScore)
  /** A refusal, with what more some codes say (ErrorDetail). */
  | ({ type: "error"; code: ErrorCode; message: string } & ErrorDetail)
  /** The fairness log, for the host who asked. */
  | { type: "log"; format: LogFormat; data: string }
  /** The answer to a host's `find`, to that host alone: the best matches first, and how many matched. */
  | { type: "found"; query: string; players: FoundPlayer[]; count: number }
  /** The scores as CSV, for the host who asked. */
  | { type: "scores"; format: "csv"; data: string };
