/**
 * Reading and writing the wire messages of protocol.ts: every client frame is validated here before
 * anything acts on it, each field against its limit; a bad one gets a code and a message in words.
 */
import {
  type ClientMessage,
  type ErrorCode,
  LIMITS,
  RULE_RANGES,
  type Rules,
  type ServerMessage,
} from "./protocol.ts";

/** Result of parsing a client's frame. */
export type Parsed<T> = { ok: true; msg: T } | { ok: false; code: ErrorCode; message: string };

const bad = (message: string): Parsed<never> => ({ ok: false, code: "BAD_MESSAGE", message });

const optionalString = (v: unknown, max: number): v is string | undefined =>
  v === undefined || (typeof v === "string" && v.length <= max);

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const whole = (v: unknown): v is number => Number.isSafeInteger(v);

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
      if (!optionalString(m.team, 4 * LIMITS.team)) return bad("join.team must be a string");
      return {
        ok: true,
        msg: {
          type: "join",
          name: m.name,
          room: m.room,
          token: m.token,
          secret: m.secret,
          watch: m.watch,
          team: m.team,
        },
      };
    case "buzz":
      if (m.at !== undefined && !finite(m.at)) return bad("buzz.at must be a number");
      return { ok: true, msg: { type: "buzz", at: m.at } };
    case "pong":
      if (!finite(m.id) || !finite(m.t)) return bad("pong needs numbers id and t");
      return { ok: true, msg: { type: "pong", id: m.id, t: m.t } };
    case "arm":
    case "next":
      if (
        m.countdown !== undefined &&
        !(finite(m.countdown) && m.countdown >= 0 && m.countdown <= LIMITS.countdown)
      ) {
        return bad(`${m.type}.countdown must be a number of ms from 0 to ${LIMITS.countdown}`);
      }
      if (!roundNumber(m.round)) return bad(`${m.type}.round must be a whole number from 1`);
      if (m.type === "arm")
        return { ok: true, msg: { type: m.type, countdown: m.countdown, ...asked(m.round) } };
      if (m.unplayed !== undefined && typeof m.unplayed !== "boolean")
        return bad("next.unplayed must be true or false");
      return {
        ok: true,
        msg: {
          type: m.type,
          countdown: m.countdown,
          ...asked(m.round),
          ...(m.unplayed === undefined ? {} : { unplayed: m.unplayed }),
        },
      };
    case "reset":
    case "lock":
      if (!roundNumber(m.round)) return bad(`${m.type}.round must be a whole number from 1`);
      return { ok: true, msg: { type: m.type, ...asked(m.round) } };
    case "sync":
    case "prune":
    case "scores":
      return { ok: true, msg: { type: m.type } };
    case "kick":
    case "rename":
    case "forgive":
    case "award":
    case "judge":
    case "unjudge":
    case "team":
      return parsePlayerAction(m);
    case "find":
      if (typeof m.query !== "string" || m.query.length > LIMITS.query)
        return bad(`find.query must be a string of at most ${LIMITS.query} characters`);
      return { ok: true, msg: { type: "find", query: m.query } };
    case "rules":
      return parseRules(m.rules);
    case "log":
      if (m.format !== undefined && m.format !== "jsonl" && m.format !== "csv") {
        return bad("log.format must be jsonl or csv");
      }
      return { ok: true, msg: { type: "log", format: m.format } };
    default:
      return bad(`unknown message type ${JSON.stringify(m.type)?.slice(0, 40) ?? "(none)"}`);
  }
}

const isPlayerId = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 64;
/** A round a host names (optional): rounds are numbered from 1. */
const roundNumber = (v: unknown): v is number | undefined =>
  v === undefined || (Number.isSafeInteger(v) && (v as number) >= 1);
/** The `round` field of a host's action (arm, lock, next, reset, a mark, a forgive), left out when the host named none. */
const asked = (round: number | undefined) => (round === undefined ? {} : { round });
/** An award's id (see protocol.ts award): a few characters safe in any log or journal line. */
const AWARD_ID = new RegExp(`^[A-Za-z0-9_-]{1,${LIMITS.awardId}}$`);
const points = (v: unknown): v is number => whole(v) && Math.abs(v) <= LIMITS.points;

/** The host messages about one player: each names it by id and carries what to do. */
function parsePlayerAction(m: Record<string, unknown>): Parsed<ClientMessage> {
  const type = m.type as "kick" | "rename" | "forgive" | "award" | "judge" | "unjudge" | "team";
  if (!isPlayerId(m.player)) return bad(`${type}.player must be a player id`);
  const player = m.player;
  switch (type) {
    case "kick":
      if (m.ban !== undefined && typeof m.ban !== "boolean") return bad("kick.ban must be true or false");
      return { ok: true, msg: { type, player, ban: m.ban } };
    case "rename":
      if (typeof m.name !== "string" || m.name.length > 4 * LIMITS.name)
        return bad("rename.name must be a string");
      return { ok: true, msg: { type, player, name: m.name } };
    case "forgive":
    case "unjudge":
      if (!roundNumber(m.round)) return bad(`${type}.round must be a whole number from 1`);
      return { ok: true, msg: { type, player, ...asked(m.round) } };
    case "award":
      if (!points(m.points))
        return bad(`award.points must be a whole number from -${LIMITS.points} to ${LIMITS.points}`);
      if (m.id !== undefined && !(typeof m.id === "string" && AWARD_ID.test(m.id)))
        return bad(`award.id must be 1 to ${LIMITS.awardId} letters, digits, - or _`);
      return {
        ok: true,
        msg: { type, player, points: m.points, ...(m.id === undefined ? {} : { id: m.id }) },
      };
    case "judge":
      if (typeof m.right !== "boolean") return bad("judge.right must be true or false");
      if (!roundNumber(m.round)) return bad("judge.round must be a whole number from 1");
      return { ok: true, msg: { type, player, right: m.right, ...asked(m.round) } };
    case "team":
      if (m.team !== null && (typeof m.team !== "string" || m.team.length > 4 * LIMITS.team))
        return bad("team.team must be a team name or null");
      return { ok: true, msg: { type, player, team: m.team } };
  }
}

/** A partial set of rules, each field checked against its range. */
function parseRules(v: unknown): Parsed<ClientMessage> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return bad("rules.rules must be an object");
  const given = v as Record<string, unknown>;
  const rules: Partial<Rules> = {};
  for (const [key, value] of Object.entries(given)) {
    switch (key) {
      case "timer": {
        const { least, max } = RULE_RANGES.timer;
        if (!(whole(value) && (value === 0 || (value >= least && value <= max))))
          return bad(`rules.timer must be 0 (no timer) or a whole number of ms from ${least} to ${max}`);
        rules.timer = value;
        break;
      }
      case "autoLock":
      case "right":
      case "wrong":
      case "falseStart": {
        const { min, max } = RULE_RANGES[key];
        if (!(whole(value) && value >= min && value <= max))
          return bad(`rules.${key} must be a whole number from ${min} to ${max}`);
        rules[key] = value;
        break;
      }
      case "teamFirst":
        if (typeof value !== "boolean") return bad("rules.teamFirst must be true or false");
        rules.teamFirst = value;
        break;
      default:
        return bad(`unknown rule ${JSON.stringify(key).slice(0, 40)}`);
    }
  }
  return { ok: true, msg: { type: "rules", rules } };
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
