/** Who may open a new room, and how many: the bounds a host's join meets when it names no room yet. Pure. */
import type { ErrorCode } from "../protocol.ts";
import type { Room } from "./state.ts";

/** Shortest secret a new room may have: long enough that the per-address guess limit makes guessing hopeless. */
export const MIN_SECRET = 8;

/** The server's bounds on opening rooms. */
export interface OpeningRules {
  /** The server's own secret: it opens rooms whatever its length, and alone does with `privateRooms`. */
  mainSecret: string;
  privateRooms: boolean;
  maxRooms: number;
  roomsPerAddress: number;
}

/** Whether a join may open the room it names: with the secret the room will have, or why not. */
export function mayOpen(
  rooms: ReadonlyMap<string, Room>,
  join: { room: string; secret?: string; address: string },
  rules: OpeningRules,
): { ok: true; secret: string } | { ok: false; code: ErrorCode; message: string } {
  const no = (code: ErrorCode, message: string) => ({ ok: false as const, code, message });
  const { secret, address } = join;
  if (secret === undefined) return no("NO_SUCH_ROOM", `no room ${join.room} (a host opens it first)`);
  if (rules.privateRooms && secret !== rules.mainSecret) {
    return no("BAD_SECRET", "only the server's secret opens new rooms here");
  }
  if (rooms.size >= rules.maxRooms) return no("TOO_MANY_ROOMS", "no more rooms can be opened");
  let held = 0;
  for (const r of rooms.values()) if (r.openedBy === address) held++;
  if (held >= rules.roomsPerAddress) {
    return no("TOO_MANY_ROOMS", `your address holds ${held} rooms already: they close when idle`);
  }
  // The server's own secret is the operator's choice: it opens rooms whatever its length.
  if (secret.length < MIN_SECRET && secret !== rules.mainSecret) {
    return no("BAD_SECRET", `a new room's secret needs at least ${MIN_SECRET} characters`);
  }
  return { ok: true, secret };
}
