/**
 * The game journal: what must survive a restart (rooms, players and their resume tokens, each
 * round's phase, lockouts and placed presses, scores, teams and rules) as JSON-lines entries. The room owner writes entries before
 * it acknowledges, so a verdict a player has seen is never lost. Pure: no file access here.
 */
import { DEFAULT_RULES, type Rules } from "./protocol.ts";
import { addLine, dropLine, keepLine } from "./room/board.ts";
import { addPlayer, member, newRoom, type Player, type Room, removePlayer } from "./room/state.ts";
import type { Placed, Round } from "./round.ts";

/** One journal line. */
export type Entry =
  /** Wall-clock time (ms since 1970) at which the writing process's monotonic clock read 0. */
  | { e: "clock"; epoch: number }
  | { e: "room"; room: string; secret: string }
  /** The room was closed (idle): it and its players are gone. */
  | { e: "close"; room: string }
  | { e: "player"; room: string; id: string; name: string; token: string; plain: boolean }
  | { e: "kick"; room: string; id: string }
  | {
      e: "round";
      room: string;
      number: number;
      phase: Round["phase"];
      releaseAt: number | null;
      lockedOut: string[];
    }
  | { e: "placed"; room: string; round: number; presses: Placed[] }
  /** A player's line on the leaderboard as it is now (the name is kept for a player who departs). */
  | { e: "score"; room: string; id: string; name: string; team: string | null; points: number }
  /** A player forgotten after the resume grace: gone, but its line stays on the leaderboard. */
  | { e: "left"; room: string; id: string }
  | { e: "rules"; room: string; rules: Rules };

/** The journal entry for a round's phase and lockouts (its placed presses are entries of their own). */
export function roundEntry(room: Room): Entry {
  const { number, phase, releaseAt, lockedOut } = room.round;
  return { e: "round", room: room.code, number, phase, releaseAt, lockedOut: [...lockedOut] };
}

/** The journal entry for a player's line on the leaderboard (its points and team). */
export function scoreEntry(room: Room, player: Player): Entry {
  const { id, name, team, points } = player;
  return { e: "score", room: room.code, id, name, team, points };
}

/** A journal's good entries, and one line of text for each line that held none (with its number). */
export interface ReadJournal {
  entries: Entry[];
  problems: string[];
}

type Check = (value: unknown) => boolean;
/** A check for every field of a record, named as the record names them. */
type Shape<T> = { [K in Exclude<keyof T, "e">]-?: Check };

const string: Check = (v) => typeof v === "string";
const boolean: Check = (v) => typeof v === "boolean";
const number: Check = (v) => typeof v === "number" && Number.isFinite(v);
const integer: Check = (v) => Number.isSafeInteger(v);
const phase: Check = (v) => v === "open" || v === "locked" || v === "armed";
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
  team: (v) => v === undefined || typeof v === "string",
};

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
  player: { room: string, id: string, name: string, token: string, plain: boolean },
  kick: { room: string, id: string },
  round: { room: string, number: integer, phase, releaseAt: nullOr(number), lockedOut: listOf(string) },
  placed: {
    room: string,
    round: integer,
    presses: listOf((v) => isRecord(v) && wrongFields(v, PLACED).length === 0),
  },
  score: { room: string, id: string, name: string, team: nullOr(string), points: integer },
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

/**
 * Rebuilds rooms from entries. Press times in the journal are on the old process's monotonic
 * clock; the `clock` entries carry them onto ours (`epoch`: this process's). An armed round comes
 * back locked: its release timer did not survive, so the host opens it again.
 */
export function replay(entries: Entry[], epoch: number): Map<string, Room> {
  const rooms = new Map<string, Room>();
  let shift = 0;
  for (const entry of entries) {
    if (entry.e === "clock") {
      shift = entry.epoch - epoch;
      continue;
    }
    if (entry.e === "room") {
      if (!rooms.has(entry.room)) rooms.set(entry.room, newRoom(entry.room, entry.secret));
      continue;
    }
    if (entry.e === "close") {
      rooms.delete(entry.room);
      continue;
    }
    const room = rooms.get(entry.room);
    if (!room) continue;
    switch (entry.e) {
      case "player": {
        const { id, name, token, plain } = entry;
        addPlayer(room, { id, name, token, plain, conn: null, link: null, leftAt: null });
        room.anonymous = Math.max(room.anonymous, Number(name.match(/^Player (\d+)$/)?.[1] ?? 0));
        break;
      }
      case "kick": {
        const player = room.players.get(entry.id);
        if (player) removePlayer(room, player);
        break;
      }
      case "left": {
        const player = room.players.get(entry.id);
        if (player) keepLine(room, player);
        break;
      }
      case "score":
        score(room, entry);
        break;
      case "rules":
        // Known rules only: a field a later version added is not carried into this one's views.
        room.rules = Object.fromEntries(
          Object.keys(DEFAULT_RULES).map((k) => [k, entry.rules[k as keyof Rules]]),
        ) as unknown as Rules;
        break;
      case "round": {
        const same = entry.number === room.round.number;
        room.round = {
          number: entry.number,
          phase: entry.phase === "armed" ? "locked" : entry.phase,
          releaseAt: null,
          pending: [],
          placed: same ? room.round.placed : [],
          lockedOut: entry.lockedOut,
          answered: [],
        };
        break;
      }
      case "placed":
        if (entry.round === room.round.number) {
          const presses = entry.presses.map((p) => ({
            ...p,
            press: p.press + shift,
            arrival: p.arrival + shift,
          }));
          room.round = { ...room.round, placed: [...room.round.placed, ...presses] };
        }
        break;
    }
  }
  return rooms;
}

/** Sets a line of the leaderboard: a player's points and team, or a departed player's line. */
function score(room: Room, entry: Extract<Entry, { e: "score" }>): void {
  const { id, name, team, points } = entry;
  const player = room.players.get(id);
  if (!player) {
    dropLine(room, id);
    return addLine(room, id, { name, team, points });
  }
  if (player.team !== null) member(room, player.team, -1);
  if (team !== null) member(room, team, 1);
  player.team = team;
  player.points = points;
}

/** The entries that recreate the rooms as they are: a compacted journal. */
export function snapshot(rooms: Iterable<Room>, epoch: number): Entry[] {
  const entries: Entry[] = [{ e: "clock", epoch }];
  for (const room of rooms) {
    entries.push({ e: "room", room: room.code, secret: room.secret });
    if (JSON.stringify(room.rules) !== JSON.stringify(DEFAULT_RULES))
      entries.push({ e: "rules", room: room.code, rules: { ...room.rules } });
    for (const p of room.players.values()) {
      entries.push({ e: "player", room: room.code, id: p.id, name: p.name, token: p.token, plain: p.plain });
      if (p.points !== 0 || p.team !== null) entries.push(scoreEntry(room, p));
    }
    for (const [id, l] of room.departed) entries.push({ e: "score", room: room.code, id, ...l });
    entries.push(roundEntry(room));
    if (room.round.placed.length) {
      entries.push({
        e: "placed",
        room: room.code,
        round: room.round.number,
        presses: [...room.round.placed],
      });
    }
  }
  return entries;
}
