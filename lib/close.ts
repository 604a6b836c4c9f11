/** WebSocket close codes used across the project, by name (RFC 6455 §7.4 and our own 4000–4999). */
export const Close = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  POLICY: 1008,
  TOO_BIG: 1009,
  SERVER_ERROR: 1011,
  /** The server is busy: an idle connection is closed to make room. */
  TRY_AGAIN_LATER: 1013,
  /** The host removed this player from the room. */
  KICKED: 4001,
  /** The client sent more messages than the rate limit allows. */
  FLOOD: 4002,
  /** The client fell too far behind reading what we send. */
  SLOW_CONSUMER: 4003,
  /** Another connection resumed this player's identity. */
  REPLACED: 4004,
  /** The room's saved game is gone (the store lost its data): joining again starts afresh. */
  RESET: 4005,
} as const;

/** Largest message any of our servers accepts, in bytes; larger frames are closed with 1009. */
export const MAX_PAYLOAD = 64 * 1024;

const normal = new Set<number>([Close.NORMAL, Close.GOING_AWAY, 1005]);

/** What the standard codes that carry no reason of their own mean, in words. */
const WORDS = new Map<number, string>([
  [1006, "dropped without a goodbye"],
  [Close.UNSUPPORTED_DATA, "unsupported data"],
  [Close.POLICY, "refused by policy"],
  [Close.TOO_BIG, "message too big"],
  [Close.SERVER_ERROR, "server error"],
  [Close.TRY_AGAIN_LATER, "server busy"],
  [Close.KICKED, "removed by the host"],
  [Close.FLOOD, "too many messages"],
  [Close.SLOW_CONSUMER, "too slow reading"],
  [Close.REPLACED, "resumed on another connection"],
  [Close.RESET, "the game's data was lost"],
]);

/**
 * The reason Bun gives the close handler for a connection it closed itself over a frame past
 * maxPayloadLength: it sends the client 1009 but reports the close as 1006.
 */
const BUN_TOO_BIG = "Received too big message";

/** The code and reason a connection was closed with as its client was told (see BUN_TOO_BIG). */
export function sentClose(code: number, reason: string): { code: number; reason: string } {
  if (code === 1006 && reason === BUN_TOO_BIG) return { code: Close.TOO_BIG, reason: "message too big" };
  return { code, reason };
}

/** Why a connection ended abnormally, in words for the host's screen, or null for an ordinary goodbye. */
export function closeWords(code: number, reason: string): string | null {
  if (normal.has(code)) return null;
  const sent = sentClose(code, reason);
  return sent.reason || WORDS.get(sent.code) || `code ${sent.code}`;
}

/**
 * The one log line for a connection that ended abnormally, or null for an ordinary goodbye; a
 * message too big is said with the server's `limit` in bytes, when given.
 */
export function closeLine(who: string, code: number, reason: string, limit?: number): string | null {
  if (normal.has(code)) return null;
  const sent = sentClose(code, reason);
  const over = sent.code === Close.TOO_BIG && limit !== undefined ? ` (over ${limit} bytes)` : "";
  return `Closed ${who}: ${sent.code}${sent.reason ? ` ${sent.reason}` : ""}${over}`;
}
