/**
 * The game journal: what must survive a restart (rooms, players and their resume tokens, each
 * round's phase, lockouts and placed presses) as JSON-lines entries. The hub writes entries before
 * it acknowledges, so a verdict a player has seen is never lost. Pure: no file access here.
 */
import { addPlayer, newRoom, type Room, removePlayer } from "./room/state.ts";
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
  | { e: "placed"; room: string; round: number; presses: Placed[] };

/** The journal entry for a round's phase and lockouts (its placed presses are entries of their own). */
export function roundEntry(room: Room): Entry {
  const { number, phase, releaseAt, lockedOut } = room.round;
  return { e: "round", room: room.code, number, phase, releaseAt, lockedOut: [...lockedOut] };
}

/** Parses journal text; a torn last line (a crash mid-write) and unreadable lines are skipped. */
export function parseJournal(text: string): Entry[] {
  const entries: Entry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as Entry);
    } catch {
      // A line cut short by a crash carries nothing that was acknowledged.
    }
  }
  return entries;
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
      case "round": {
        const same = entry.number === room.round.number;
        room.round = {
          number: entry.number,
          phase: entry.phase === "armed" ? "locked" : entry.phase,
          releaseAt: null,
          pending: [],
          placed: same ? room.round.placed : [],
          lockedOut: entry.lockedOut,
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

/** The entries that recreate the rooms as they are: a compacted journal. */
export function snapshot(rooms: Iterable<Room>, epoch: number): Entry[] {
  const entries: Entry[] = [{ e: "clock", epoch }];
  for (const room of rooms) {
    entries.push({ e: "room", room: room.code, secret: room.secret });
    for (const p of room.players.values()) {
      entries.push({ e: "player", room: room.code, id: p.id, name: p.name, token: p.token, plain: p.plain });
    }
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
