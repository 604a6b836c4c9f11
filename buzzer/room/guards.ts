/**
 * Per-address limits kept by the room itself: wrong host secrets and new players from one address.
 * In a cluster every join for a room goes to the room's one owner, so these hold across processes:
 * a guesser cannot multiply its tries by the number of processes (the gateway keeps its own too).
 */
import {
  type Bucket,
  fullBucket,
  isFull,
  type Rate,
  SECRETS_PER_ADDRESS,
  secondsToToken,
  take,
} from "../limit.ts";
import type { Room } from "./state.ts";

/** One address's allowances in one room. */
export interface Guard {
  joins: Bucket;
  secrets: Bucket;
}

/** The address's allowances in the room, created full on first use. */
export function guardOf(room: Room, address: string, now: number, joinRate: Rate): Guard {
  let guard = room.guards.get(address);
  if (!guard) {
    guard = { joins: fullBucket(now, joinRate), secrets: fullBucket(now, SECRETS_PER_ADDRESS) };
    room.guards.set(address, guard);
  }
  return guard;
}

/** Whole seconds until the address may try a host secret, 0 for now (checked before the secret: a guesser learns nothing). */
export function secretWait(guard: Guard, now: number): number {
  return secondsToToken(guard.secrets, now, SECRETS_PER_ADDRESS);
}

/** Counts a wrong secret against the address. */
export function wrongSecret(guard: Guard, now: number): void {
  guard.secrets = take(guard.secrets, now, SECRETS_PER_ADDRESS).bucket;
}

/** Spends one new player of the address's allowance; false when it is spent. */
export function addOne(guard: Guard, now: number, joinRate: Rate): boolean {
  const { bucket, allowed } = take(guard.joins, now, joinRate);
  guard.joins = bucket;
  return allowed;
}

/** Forgets addresses whose allowances have refilled, so a room's table follows who is active. */
export function pruneGuards(room: Room, now: number, joinRate: Rate): void {
  for (const [address, g] of room.guards) {
    if (isFull(g.joins, now, joinRate) && isFull(g.secrets, now, SECRETS_PER_ADDRESS))
      room.guards.delete(address);
  }
}
