/**
 * What keeps a quiet room's players hearing from the server. A client takes a connection that stays
 * silent too long for dead (session.ts `silence`: 10 s on the player page, 7 s in the terminal), and
 * in a big room nothing else comes that often: clock pings are spread over a budget (prober.ts), one
 * every 25 s per player at 5,000 connections. So the players of a room that has sent them nothing
 * for KEEPALIVE ms are sent one small message, all at once: one publish per quiet room, not one
 * message per player, and none while the room has news of its own.
 */
import { encode } from "../parse.ts";

/** How long a room's players may hear nothing, in ms: well inside the shortest client silence (7 s). */
export const KEEPALIVE = 3000;

/** The message a quiet room's players are sent, encoded once. */
export const ALIVE = encode({ type: "alive" });

/** When each room's players last heard from this gateway, to find the quiet rooms. */
export class Keepalive {
  private readonly heardAt = new Map<string, number>();

  /** Every player of `room` was sent something at `now` (a published view, or a keepalive). */
  heard(room: string, now: number): void {
    this.heardAt.set(room, now);
  }

  /** Of `rooms`, those whose players have heard nothing for KEEPALIVE ms; each counts as heard now. */
  quiet(rooms: Iterable<string>, now: number): string[] {
    const due: string[] = [];
    for (const room of rooms) {
      const at = this.heardAt.get(room);
      // A room seen for the first time has just sent its players their welcome and snapshot.
      if (at !== undefined && now - at < KEEPALIVE) continue;
      if (at !== undefined) due.push(room);
      this.heardAt.set(room, now);
    }
    return due;
  }

  /** Forgets a room this gateway holds no players of any more. */
  forget(room: string): void {
    this.heardAt.delete(room);
  }
}
