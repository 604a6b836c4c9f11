/**
 * A host's search of its room: the way to any player, however far past the lists a console is sent
 * (VIEW.players, VIEW.order). Names match as the room compares them (names.ts nameKey: case, width
 * and invisible characters folded), so a look-alike name is found by what it looks like.
 */
import { nameKey } from "../names.ts";
import { type FoundPlayer, VIEW } from "../protocol.ts";
import { standing } from "../round.ts";
import type { RoomEffect } from "./commands.ts";
import type { Room } from "./state.ts";
import { listed } from "./views.ts";

/** A query that names a place this round: `12` or `#12`. */
const PLACE = /^#?(\d{1,7})$/;

/** Answers a host's search, to that host alone (the server's terminal has no use for one). */
export function find(room: Room, conn: string | null, query: string, out: RoomEffect[]): void {
  if (conn === null) return;
  out.push({ type: "send", conn, msg: { type: "found", query, ...search(room, query) } });
}

/**
 * The players a query finds, best first, at most VIEW.found, and how many it found in all: the
 * player at the place a number names, then names equal to the query, then names that start with
 * it, then names that contain it; within each, by when the name was taken. An empty query finds no one.
 */
export function search(room: Room, query: string): { players: FoundPlayer[]; count: number } {
  const key = nameKey(query);
  if (!key) return { players: [], count: 0 };
  const place = PLACE.exec(key);
  const at = place ? room.round.placed[Number(place[1]) - 1]?.player : undefined;
  const first = at !== undefined && room.players.has(at) ? [at] : [];
  const tiers: [string[], string[], string[]] = [[], [], []];
  let count = first.length;
  // The room's table of name keys is searched, not its players: no name is folded again per search.
  for (const [name, id] of room.names) {
    // A departed line holds its name too, but is no one to find.
    if (id === at || !name.includes(key) || !room.players.has(id)) continue;
    count++;
    const tier = tiers[name === key ? 0 : name.startsWith(key) ? 1 : 2];
    if (tier.length < VIEW.found) tier.push(id);
  }
  const ids = [...first, ...tiers.flat()].slice(0, VIEW.found);
  const players: FoundPlayer[] = [];
  for (const id of ids) {
    const p = room.players.get(id);
    if (p) players.push(withPlace(room, listed(room, p)));
  }
  return { players, count };
}

/** A listed player with its place this round and the host's mark of it, when it has them. */
function withPlace(room: Room, view: FoundPlayer): FoundPlayer {
  const where = standing(room.round, view.id);
  if (typeof where !== "object") return view;
  const mark = room.judged.get(view.id);
  return { ...view, place: where.place, ...(mark ? { judged: mark.verdict } : {}) };
}
