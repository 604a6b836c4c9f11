/**
 * Per-address limits kept by the room itself: wrong host secrets and new players from one address.
 * In a cluster every join for a room goes to the room's one owner, so these hold across processes:
 * a guesser cannot multiply its tries by the number of processes (the gateway keeps its own too).
 * The allowances are limit.ts's Guard; here is only the room's table of them.
 */
import { type Guard, newGuard, type Rate, refilled } from "../limit.ts";
import type { Room } from "./state.ts";

/** The address's allowances in the room, created full on first use. */
export function guardOf(room: Room, address: string, now: number, joinRate: Rate): Guard {
  let guard = room.guards.get(address);
  if (!guard) {
    guard = newGuard(now, joinRate);
    room.guards.set(address, guard);
  }
  return guard;
}

/** Forgets addresses whose allowances have refilled, so a room's table follows who is active. */
export function pruneGuards(room: Room, now: number, joinRate: Rate): void {
  for (const [address, guard] of room.guards) if (refilled(guard, now, joinRate)) room.guards.delete(address);
}
