/**
 * A player back under its name, as quiz systems let a phone that lost its token or a restarted
 * terminal client back in: a join with no token, from the address the player last joined from,
 * under the name of a player who is offline (within the resume grace) is that player again; under
 * the name of a departed line, it gets the line's points back. From another address it is someone
 * else, so no one takes over another device's points; a connected player's name is never taken over.
 * An address another player of the room joined from too is shared (a venue's Wi-Fi: every phone
 * behind one public address), so it proves no one: the join is someone new, told who it did not
 * become, and the host may give that player's points back.
 */
import type { Entry } from "../journal.ts";
import { dropLine, type Line, lineKey } from "./board.ts";
import { holderOf } from "./room_names.ts";
import type { Player, Room } from "./state.ts";

/**
 * Who a join's name and address come back as: an offline player, a departed line (with its old id),
 * no one, or no one because the address is shared (`away`: the name it did not come back as).
 */
export function returning(
  room: Room,
  name: string,
  address: string,
  plain: boolean,
): { player: Player } | { id: string; line: Line } | { away: string } | null {
  // An unknown address is no one's: two clients without one would take each other's places.
  if (address === "") return null;
  const holder = holderOf(room, name);
  if (holder) {
    // Not connected: left, or restored from a journal and not back yet.
    if (holder.conn !== null || holder.address !== address || holder.plain !== plain) return null;
    return shared(room, address, holder.id) ? { away: holder.name } : { player: holder };
  }
  const id = room.returning.get(lineKey(address, name));
  const line = id === undefined ? undefined : room.departed.get(id);
  if (id === undefined || !line) return null;
  return shared(room, address, id) ? { away: line.name } : { id, line };
}

/** Whether a player or departed line of the room other than `self` joined from the address. */
function shared(room: Room, address: string, self: string): boolean {
  // A scan, but only a join its name and address would bring back pays for it.
  for (const p of room.players.values()) if (p.id !== self && p.address === address) return true;
  for (const [id, line] of room.departed) if (id !== self && line.address === address) return true;
  return false;
}

/** The departed line a resume token is the token of (its player was forgotten after the grace, or pruned). */
export function lineByToken(room: Room, token: string): { id: string; line: Line } | null {
  const id = room.tokens.get(token);
  const line = id === undefined ? undefined : room.departed.get(id);
  return id !== undefined && line ? { id, line } : null;
}

/** Drops a departed line whose player is back, before the player is added (its name and token free for it again), returning what journals it. */
export function takeLine(room: Room, id: string): Entry[] {
  const line = room.departed.get(id);
  if (!line) return [];
  dropLine(room, id);
  // The line's id scored at 0 is no line on replay; its points are the new player's to take (join.ts).
  return [{ e: "score", room: room.code, id, name: line.name, team: null, points: 0 }];
}
