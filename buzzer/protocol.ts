/**
 * The buzzer's wire protocol: every message type, its validation and its limits, shared by the
 * server, the terminal client and the web pages. JSON messages carry a `type`; the original's
 * plain-text protocol (send `buzz`, get one line back) is the compatibility path.
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
} as const;

/** Phases of a round: buzzes count only while open; a buzz while locked or armed is a false start. */
export type Phase = "open" | "locked" | "armed";

/** Messages a client sends. */
export type ClientMessage =
  /**
   * Enter a room as a player; as its host with the room's secret; or, with `watch`, as a viewer
   * (a projector) that sees the room but does not play. Players resume with their token.
   */
  | { type: "join"; name?: string; room?: string; token?: string; secret?: string; watch?: boolean }
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
  /** Host: remove a player from the room. */
  | { type: "kick"; player: string }
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
  /** Measured round trip and jitter in ms, when known. */
  rtt?: number;
  jitter?: number;
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
}

/**
 * A snapshot of a room, sent when a client joins, resumes or asks (`sync`); hosts and viewers get
 * one on every change. Players get the top of the order and no player list (a phone needs neither
 * for a big room), then deltas.
 */
export interface RoomView {
  room: string;
  /** The last delta players were sent: the next one they may apply is `version + 1`. */
  version: number;
  round: number;
  phase: Phase;
  /** Milliseconds until release while armed, as of sending. */
  countdown?: number;
  /** The first players, up to VIEW.players (none for players); `playerCount` says how many in all. */
  players: PlayerView[];
  playerCount: number;
  /** The first places, up to VIEW.order for hosts and viewers, VIEW.top for players. */
  order: PlaceView[];
  /** In a snapshot sent to one player: whether that player is locked out of this round. */
  lockedOut?: boolean;
}

/**
 * A change to a room since the previous version, as players receive it: only what changed. A new
 * round replaces the order; otherwise `order` adds places (by place number: a repeat is harmless).
 */
export interface RoomDelta {
  room: string;
  version: number;
  round?: number;
  phase?: Phase;
  countdown?: number;
  playerCount?: number;
  order?: PlaceView[];
}

/** How much of a room each kind of client is shown: what fits on its screen, with counts for the rest. */
export const VIEW = {
  /** Places a player is shown (its own place comes in its verdict). */
  top: 10,
  /** Places a host console or projector is shown. */
  order: 200,
  /** Players a host console or projector lists. */
  players: 200,
} as const;

/** Error codes a client may receive; the message says the same in words. */
export type ErrorCode =
  | "BAD_JSON"
  | "BAD_MESSAGE"
  | "NOT_JOINED"
  | "ALREADY_JOINED"
  | "BAD_NAME"
  | "BAD_ROOM"
  | "NO_SUCH_ROOM"
  | "TOO_MANY_ROOMS"
  | "BAD_TOKEN"
  | "BAD_SECRET"
  | "NOT_HOST"
  | "NOT_PLAYER"
  | "NO_SUCH_PLAYER"
  | "ROUND_LOCKED"
  | "FALSE_START"
  | "LOCKED_OUT"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

/** Messages the server sends to JSON clients. */
export type ServerMessage =
  | {
      type: "welcome";
      id: string;
      name: string;
      room: string;
      token: string;
      host: boolean;
    }
  | ({ type: "state" } & RoomView)
  | ({ type: "delta" } & RoomDelta)
  /** Your result: place, seconds behind the winner, and the original's line for it. */
  | { type: "verdict"; round: number; place: number; gap: number; photo: boolean; text: string }
  /** Clock probe: answer with a pong carrying your monotonic time. */
  | { type: "ping"; id: number }
  /** The armed round opens at `at` on your own monotonic clock (absent until your clock is synced). */
  | { type: "release"; round: number; at?: number; countdown: number }
  | { type: "error"; code: ErrorCode; message: string }
  | { type: "log"; format: LogFormat; data: string };

/** Result of parsing a client's frame. */
export type Parsed<T> = { ok: true; msg: T } | { ok: false; code: ErrorCode; message: string };

const bad = (message: string): Parsed<never> => ({ ok: false, code: "BAD_MESSAGE", message });

const optionalString = (v: unknown, max: number): v is string | undefined =>
  v === undefined || (typeof v === "string" && v.length <= max);

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Parses and validates one JSON text frame from a client. */
export function parseClient(text: string): Parsed<ClientMessage> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, code: "BAD_JSON", message: "message is not valid JSON" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return bad("message must be a JSON object with a type");
  }
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case "join":
      if (!optionalString(m.name, 4 * LIMITS.name)) return bad("join.name must be a string");
      if (!optionalString(m.room, 64)) return bad("join.room must be a string");
      if (!optionalString(m.token, 64)) return bad("join.token must be a string");
      if (!optionalString(m.secret, LIMITS.secret)) return bad("join.secret must be a string");
      if (m.watch !== undefined && typeof m.watch !== "boolean")
        return bad("join.watch must be true or false");
      return {
        ok: true,
        msg: { type: "join", name: m.name, room: m.room, token: m.token, secret: m.secret, watch: m.watch },
      };
    case "buzz":
      if (m.at !== undefined && !finite(m.at)) return bad("buzz.at must be a number");
      return { ok: true, msg: { type: "buzz", at: m.at } };
    case "pong":
      if (!finite(m.id) || !finite(m.t)) return bad("pong needs numbers id and t");
      return { ok: true, msg: { type: "pong", id: m.id, t: m.t } };
    case "arm":
      if (
        m.countdown !== undefined &&
        !(finite(m.countdown) && m.countdown >= 0 && m.countdown <= LIMITS.countdown)
      ) {
        return bad(`arm.countdown must be a number of ms from 0 to ${LIMITS.countdown}`);
      }
      return { ok: true, msg: { type: "arm", countdown: m.countdown } };
    case "lock":
    case "reset":
    case "sync":
      return { ok: true, msg: { type: m.type } };
    case "kick":
      if (typeof m.player !== "string" || m.player.length > 64) return bad("kick.player must be a player id");
      return { ok: true, msg: { type: "kick", player: m.player } };
    case "log":
      if (m.format !== undefined && m.format !== "jsonl" && m.format !== "csv") {
        return bad("log.format must be jsonl or csv");
      }
      return { ok: true, msg: { type: "log", format: m.format } };
    default:
      return bad(`unknown message type ${JSON.stringify(m.type)?.slice(0, 40) ?? "(none)"}`);
  }
}

/** Parses one JSON frame from the server (clients trust their server, but not blindly). */
export function parseServer(text: string): ServerMessage | null {
  try {
    const data = JSON.parse(text);
    return typeof data === "object" && data !== null && typeof data.type === "string" ? data : null;
  } catch {
    return null;
  }
}

const ROOM_CODE = new RegExp(`^[A-Za-z0-9]{1,${LIMITS.room}}$`);

/** Checks a room code: letters and digits, 1 to LIMITS.room of them; returns it upper-cased. */
export function checkRoom(raw: string): Parsed<string> {
  // Checked before upper-casing, which would turn "ß" into "SS".
  const room = raw.trim();
  if (!ROOM_CODE.test(room)) {
    return {
      ok: false,
      code: "BAD_ROOM",
      message: `room code must be 1 to ${LIMITS.room} letters or digits`,
    };
  }
  return { ok: true, msg: room.toUpperCase() };
}

/** Encodes a server message as one JSON text frame. */
export function encode(msg: ServerMessage | ClientMessage): string {
  return JSON.stringify(msg);
}
