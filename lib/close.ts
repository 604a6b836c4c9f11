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

/** Why a connection ended abnormally, in words for the host's screen, or null for an ordinary goodbye. */
export function closeWords(code: number, reason: string): string | null {
  if (normal.has(code)) return null;
  return reason || WORDS.get(code) || `code ${code}`;
}

/** The one log line for a connection that ended abnormally, or null for an ordinary goodbye. */
export function closeLine(who: string, code: number, reason: string): string | null {
  if (normal.has(code)) return null;
  return `Closed ${who}: ${code}${reason ? ` ${reason}` : ""}`;
}
