/**
 * Who holds which name in a room: its players and its departed lines (board.ts Line), each name
 * compared as `nameKey` compares them, so no two lines on the board read alike.
 */
import { nameKey } from "../names.ts";
import type { Player, Room } from "./state.ts";

/** The player of the room who holds `name` (names compare folded: `ANN` is Ann's), if any. */
export function holderOf(room: Room, name: string): Player | undefined {
  return room.players.get(room.names.get(nameKey(name)) ?? "");
}

/** How the player or departed line holding `name` spells it, if one does. */
export function heldAs(room: Room, name: string): string | undefined {
  const id = room.names.get(nameKey(name));
  if (id === undefined) return undefined;
  return room.players.get(id)?.name ?? room.departed.get(id)?.name;
}

/** Whether a departed line, not a player, holds `name` (see board.ts Line). */
export function lineHolds(room: Room, name: string): boolean {
  const id = room.names.get(nameKey(name));
  return id !== undefined && !room.players.has(id);
}

/** Takes `name`, or the first free `name (n)`, for a player of the room; returns the name taken. */
export function claimName(room: Room, wanted: string, id: string): string {
  const base = nameKey(wanted);
  let name = wanted;
  let key = base;
  if (room.names.has(base)) {
    let n = room.suffixes.get(base) ?? 2;
    while (room.names.has(nameKey(`${wanted} (${n})`))) n++;
    name = `${wanted} (${n})`;
    key = nameKey(name);
    room.suffixes.set(base, n + 1);
  }
  room.names.set(key, id);
  return name;
}

/** Frees a name a player of the room held. */
export function releaseName(room: Room, name: string): void {
  const key = nameKey(name);
  room.names.delete(key);
  room.suffixes.delete(key);
}

/** Keeps a departed line's name for it (see board.ts Line), unless a player holds it (a journal from before lines held names). */
export function reserveName(room: Room, name: string, id: string): void {
  const key = nameKey(name);
  if (!room.names.has(key)) room.names.set(key, id);
}

/** Frees a departed line's name, if the line held it. */
export function unreserveName(room: Room, name: string, id: string): void {
  if (room.names.get(nameKey(name)) === id) releaseName(room, name);
}

/** Frees `name` from the departed line that holds it, if one does: a player's journaled name was unique when written. */
export function freeLineName(room: Room, name: string): void {
  if (lineHolds(room, name)) releaseName(room, name);
}
