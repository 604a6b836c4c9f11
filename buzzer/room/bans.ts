/**
 * A room's bans: the names and resume tokens of players its host removed for good. Bounded
 * (LIMITS.bans, the oldest dropped first) and counted by key, so a join is checked without a scan.
 */
import { nameKey } from "../names.ts";
import { LIMITS } from "../protocol.ts";

/** One banned player: its name as shown, and its resume token ("" for a plain-text player, which has none). */
export interface Ban {
  name: string;
  token: string;
}

/** A room's bans, oldest first, with how many of them hold each name key and each token. */
export interface Bans {
  list: Ban[];
  names: Map<string, number>;
  tokens: Map<string, number>;
}

/** No bans. */
export function newBans(): Bans {
  return { list: [], names: new Map(), tokens: new Map() };
}

function count(map: Map<string, number>, key: string, by: 1 | -1): void {
  if (!key) return;
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}

/** Adds a ban; past LIMITS.bans the oldest is lifted, so a host cannot grow a room without end. */
export function addBan(bans: Bans, ban: Ban): void {
  bans.list.push(ban);
  count(bans.names, nameKey(ban.name), 1);
  count(bans.tokens, ban.token, 1);
  while (bans.list.length > LIMITS.bans) {
    const old = bans.list.shift() as Ban;
    count(bans.names, nameKey(old.name), -1);
    count(bans.tokens, old.token, -1);
  }
}

/** Whether a resume token, or a name (compared as nameKey compares names), is banned. */
export function isBanned(bans: Bans, who: { token?: string; name?: string }): boolean {
  if (who.token && bans.tokens.has(who.token)) return true;
  return who.name !== undefined && bans.names.has(nameKey(who.name));
}
