/**
 * Reading journal text: the shape of every journal entry kind, checked field by field, so a line
 * from the journal (a file anyone with access may have edited, or Redis) is trusted by replay only
 * once it passes.
 */
import type { Entry } from "./journal.ts";
import type { Rules } from "./protocol.ts";
import type { Placed, Spell } from "./round.ts";

type Check = (value: unknown) => boolean;
/** A check for every field of a record, named as the record names them. */
type Shape<T> = { [K in Exclude<keyof T, "e">]-?: Check };

const string: Check = (v) => typeof v === "string";
const boolean: Check = (v) => typeof v === "boolean";
const number: Check = (v) => typeof v === "number" && Number.isFinite(v);
const integer: Check = (v) => Number.isSafeInteger(v);
const phase: Check = (v) => v === "open" || v === "locked" || v === "armed";
const locker: Check = (v) => v === "timer" || v === "autoLock" || v === "host";
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const nullOr =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const listOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
/** The fields of `record` that fail their check in `shape`. */
const wrongFields = (record: Record<string, unknown>, shape: Record<string, Check>) =>
  Object.entries(shape)
    .filter(([field, check]) => !check(record[field]))
    .map(([field]) => field);

const PLACED: Shape<Placed> = {
  player: string,
  press: number,
  arrival: number,
  uncertainty: number,
  asks: integer,
  place: integer,
  gap: number,
  photo: boolean,
  team: optional(string),
};

const SPELL: Shape<Spell> = { from: number, to: number };

const RULES: Shape<Rules> = {
  autoLock: integer,
  timer: number,
  right: integer,
  wrong: integer,
  falseStart: integer,
  teamFirst: boolean,
};

/** One checker per entry kind: replay trusts every field, so each is checked before it gets there. */
const SHAPES: { [K in Entry["e"]]: Shape<Extract<Entry, { e: K }>> } = {
  clock: { epoch: number },
  room: { room: string, secret: string },
  close: { room: string },
  player: {
    room: string,
    id: string,
    name: string,
    token: string,
    plain: boolean,
    address: optional(string),
  },
  kick: { room: string, id: string },
  ban: { room: string, name: string, token: string },
  rename: { room: string, id: string, name: string },
  round: {
    room: string,
    number: integer,
    phase,
    releaseAt: nullOr(number),
    lockedOut: listOf(string),
    late: optional(listOf(string)),
    closesAt: optional(number),
    lockedBy: optional(locker),
    startedAt: optional(number),
    lockedAt: optional(number),
    earlier: optional((v) => isRecord(v) && wrongFields(v, SPELL).length === 0),
  },
  placed: {
    room: string,
    round: integer,
    presses: listOf((v) => isRecord(v) && wrongFields(v, PLACED).length === 0),
  },
  judged: {
    room: string,
    round: integer,
    id: string,
    verdict: (v) => v === "right" || v === "wrong",
    points: optional(integer),
  },
  unjudged: { room: string, round: integer, id: string },
  score: {
    room: string,
    id: string,
    name: string,
    team: nullOr(string),
    points: integer,
    address: optional(string),
    token: optional(string),
    award: optional(string),
  },
  awards: { room: string, ids: listOf(string) },
  left: { room: string, id: string },
  rules: { room: string, rules: (v) => isRecord(v) && wrongFields(v, RULES).length === 0 },
};

/** Checks one parsed line: the entry, or what is wrong with it. */
function checkEntry(value: unknown): { entry: Entry } | { problem: string } {
  if (!isRecord(value) || typeof value.e !== "string") return { problem: "not a journal entry" };
  // Own properties only: "constructor" or "__proto__" must not find Object's.
  if (!Object.hasOwn(SHAPES, value.e)) return { problem: `unknown entry kind ${JSON.stringify(value.e)}` };
  const wrong = wrongFields(value, SHAPES[value.e as Entry["e"]]);
  return wrong.length
    ? { problem: `a ${JSON.stringify(value.e)} entry needs ${wrong.join(", ")}` }
    : { entry: value as Entry };
}

/** A journal's good entries, and one line of text for each line that held none (with its number). */
export interface ReadJournal {
  entries: Entry[];
  problems: string[];
}

/**
 * Parses journal text into its good entries and a problem for every other non-empty line; a torn
 * last line (a crash mid-write leaves it without its newline) is skipped silently.
 */
export function parseJournal(text: string): ReadJournal {
  const entries: Entry[] = [];
  const problems: string[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A line cut short by a crash carries nothing that was acknowledged: writes finish before acks.
      if (i < lines.length - 1) problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    const checked = checkEntry(value);
    if ("entry" in checked) entries.push(checked.entry);
    else problems.push(`line ${i + 1}: ${checked.problem}`);
  });
  return { entries, problems };
}
