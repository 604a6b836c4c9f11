/**
 * Rooms rebuilt from journal entries (journal.ts): what a restart, a `--state` file or a new owner
 * after a takeover starts from. Pure: entries in, rooms out.
 */

import type { Entry } from "./journal.ts";
import { DEFAULT_RULES, RULE_RANGES, type Rules } from "./protocol.ts";
import { rememberAward } from "./room/awards.ts";
import { addBan } from "./room/bans.ts";
import { addLine, dropLine, keepLine } from "./room/board.ts";
import { freeLineName } from "./room/room_names.ts";
import {
  ADDRESS_KEPT,
  addPlayer,
  member,
  newRoom,
  type Room,
  removePlayer,
  renamePlayer,
} from "./room/state.ts";
import { toldAsRestored } from "./room/views.ts";
import { standing } from "./round.ts";

/**
 * Rebuilds rooms from entries. Press times, release times and timer deadlines in the journal are on
 * the old process's monotonic clock; the `clock` entries carry them onto ours (`epoch`: this
 * process's). An armed round comes back armed: phones were told when it opens and say GO then, so
 * a press after that is a press, not a false start (one whose release passed opens at once).
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
        const { id, name, token, plain, address } = entry;
        const known = room.players.get(id);
        // A player's entry again: it came back from another address.
        if (known) known.address = (address ?? "").slice(0, ADDRESS_KEPT);
        else {
          // A journal written before departed lines kept their names may hold a player named as one.
          freeLineName(room, name);
          addPlayer(room, { id, name, token, plain, conn: null, link: null, leftAt: null, address });
        }
        countAnonymous(room, name);
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
        if (entry.award !== undefined) rememberAward(room.awards, entry.award);
        break;
      case "awards":
        for (const id of entry.ids) rememberAward(room.awards, id);
        break;
      case "rules":
        // Known rules only: a field a later version added is not carried into this one's views.
        room.rules = Object.fromEntries(
          Object.keys(DEFAULT_RULES).map((k) => [
            k,
            inRange(k as keyof Rules, entry.rules[k as keyof Rules]),
          ]),
        ) as unknown as Rules;
        break;
      case "ban":
        addBan(room.bans, { name: entry.name, token: entry.token });
        break;
      case "rename": {
        const player = room.players.get(entry.id);
        if (player) renamePlayer(room, player, entry.name);
        break;
      }
      case "round": {
        const same = entry.number === room.round.number;
        const armed = entry.phase === "armed" && entry.releaseAt !== null;
        room.round = {
          number: entry.number,
          phase: armed || entry.phase !== "armed" ? entry.phase : "locked",
          // Kept in every phase: a press before it, sent again to this owner, is still a false start.
          releaseAt:
            entry.releaseAt !== null && (armed || entry.phase !== "armed") ? entry.releaseAt + shift : null,
          startedAt: entry.startedAt !== undefined ? entry.startedAt + shift : null,
          lockedAt: entry.lockedAt !== undefined ? entry.lockedAt + shift : null,
          earlier: entry.earlier ? { from: entry.earlier.from + shift, to: entry.earlier.to + shift } : null,
          pending: [],
          placed: same ? room.round.placed : [],
          lockedOut: entry.lockedOut,
          answered: [],
        };
        room.closesAt =
          entry.phase === "open" && entry.closesAt !== undefined ? entry.closesAt + shift : null;
        room.lockedBy = entry.phase === "locked" ? (entry.lockedBy ?? null) : null;
        if (!same) room.judged.clear();
        room.late = new Set(entry.late);
        break;
      }
      case "judged":
        // At most one mark per player or place of the round, as the host's judge allows.
        if (entry.round === room.round.number && judgeable(room, entry.id))
          room.judged.set(entry.id, {
            verdict: entry.verdict,
            points: entry.points ?? room.rules[entry.verdict],
          });
        break;
      case "unjudged":
        if (entry.round === room.round.number) room.judged.delete(entry.id);
        break;
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
  for (const room of rooms.values()) toldAsRestored(room);
  return rooms;
}

/** A journaled rule as this version allows it (protocol.ts RULE_RANGES): an older journal may hold a wrong answer that gave points. */
function inRange(key: keyof Rules, value: number | boolean): number | boolean {
  if (key === "teamFirst" || typeof value !== "number") return value;
  const range: { min: number; max: number; least?: number } = RULE_RANGES[key];
  const n = Math.min(range.max, Math.max(range.min, Math.round(value)));
  return n > 0 && range.least !== undefined ? Math.max(n, range.least) : n;
}

/** Whether a mark may name this player: one of the room's, or one with a place in the round (kicked since). */
function judgeable(room: Room, id: string): boolean {
  return room.players.has(id) || typeof standing(room.round, id) === "object";
}

/** Counts `Player N` as an anonymous name already given, so the next anonymous player is not named the same. */
function countAnonymous(room: Room, name: string): void {
  room.anonymous = Math.max(room.anonymous, Number(name.match(/^Player (\d+)$/)?.[1] ?? 0));
}

/** Sets a line of the leaderboard: a player's points and team, or a departed player's line. */
function score(room: Room, entry: Extract<Entry, { e: "score" }>): void {
  const { id, name, team, points, address, token } = entry;
  const player = room.players.get(id);
  if (!player) {
    dropLine(room, id);
    countAnonymous(room, name);
    const kept = address?.slice(0, ADDRESS_KEPT);
    return addLine(room, id, { name, team, points, ...(kept && { address: kept }), ...(token && { token }) });
  }
  if (player.team !== null) member(room, player.team, -1);
  if (team !== null) member(room, team, 1);
  player.team = team;
  player.points = points;
}
