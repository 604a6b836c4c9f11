/** The journal on disk: read and replayed at start, compacted, then appended to as the game goes. */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { type Entry, parseJournal, replay, snapshot } from "./journal.ts";
import type { Room } from "./room/state.ts";

const lines = (entries: Entry[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join("");

/** Opens a state file: the rooms it holds (none if new) and a way to append entries synchronously. */
export function openState(path: string) {
  // The wall-clock moment this process's performance.now() read 0, to carry press times across restarts.
  const epoch = Date.now() - performance.now();
  const rooms = existsSync(path) ? replay(parseJournal(readFileSync(path, "utf8")), epoch) : undefined;
  return {
    rooms,
    /** Appends entries; synchronous, so they are on disk before the verdict they back goes out. */
    write: (entries: Entry[]) => appendFileSync(path, lines(entries)),
    /** Rewrites the file as a snapshot of `current` (atomically, by rename). */
    compact(current: Iterable<Room>) {
      writeFileSync(`${path}.tmp`, lines(snapshot(current, epoch)));
      renameSync(`${path}.tmp`, path);
    },
  };
}
