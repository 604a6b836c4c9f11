/** The journal on disk: read and replayed at start, compacted, then appended to as the game goes. */
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { type Entry, snapshot } from "./journal.ts";
import { parseJournal } from "./journal_check.ts";
import { replay } from "./journal_replay.ts";
import type { Room } from "./room/state.ts";

/** Owner read and write only: the file holds host secrets and players' resume tokens. */
const PRIVATE = 0o600;

const lines = (entries: Entry[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join("");

/** Opens a state file: the rooms it holds (none if new) and a way to append entries synchronously. */
export function openState(path: string) {
  // The wall-clock moment this process's performance.now() read 0, to carry press times across restarts.
  const epoch = Date.now() - performance.now();
  const text = existsSync(path) ? readFileSync(path, "utf8") : null;
  const read = text === null ? null : parseJournal(text);
  // Compacting rewrites the file: one given by mistake (a typo, another file) must not be replaced.
  // A state file always holds an entry (a compaction writes a clock entry first), so text with none
  // is another file, even one line without its newline, which the parser skips as a torn write.
  if (read && read.entries.length === 0 && text?.trim()) {
    throw new Error(
      "not a state file (no line of it is a game journal entry): give a new file name, or move this file away",
    );
  }
  for (const problem of read?.problems ?? []) console.error(`${path}: ${problem} (skipped)`);
  const rooms = read ? replay(read.entries, epoch) : undefined;
  return {
    rooms,
    /** Appends entries; synchronous, so they are on disk before the verdict they back goes out. */
    write: (entries: Entry[]) => appendFileSync(path, lines(entries), { mode: PRIVATE }),
    /** Rewrites the file as a snapshot of `current` (atomically, by rename), readable by its owner only. */
    compact(current: Iterable<Room>) {
      // A mode applies only to a file being created, so a temporary file left by a crash goes first.
      rmSync(`${path}.tmp`, { force: true });
      writeFileSync(`${path}.tmp`, lines(snapshot(current, epoch)), { mode: PRIVATE });
      renameSync(`${path}.tmp`, path);
    },
  };
}
