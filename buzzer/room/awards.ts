/**
 * The ids of a room's latest awards: a host's award with an id is sent again after its room's owner
 * died (bus/redelivery.ts), and the copy must not give the points twice. The ids are journaled with
 * the points they gave (journal.ts), so the room's next owner knows them too.
 */

/**
 * How many award ids a room remembers; older ones are forgotten. A copy follows its award within
 * seconds (a gateway re-sends one about a second after its owner stops listening, and forgets it
 * after a minute, redelivery.ts KEEP_MS): no host gives 500 awards by hand in that time.
 */
export const AWARDS_KEPT = 500;

/** Notes an award's id as given, forgetting the oldest past AWARDS_KEPT; false if it was given already. */
export function rememberAward(ids: Set<string>, id: string): boolean {
  if (ids.has(id)) return false;
  ids.add(id);
  // A Set keeps insertion order: its first id is the oldest.
  if (ids.size > AWARDS_KEPT) ids.delete(ids.values().next().value as string);
  return true;
}
