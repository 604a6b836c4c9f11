/**
 * The order of a room's journal writes and the effects they back: an effect never leaves before the
 * entries behind it are written. A journal that answers at once (a file) costs nothing; one that
 * answers later (Redis) makes each room's later effects wait, in order, for its earlier writes.
 */
import type { Entry } from "../journal.ts";

/** Where journal entries go: nothing back when written at once, a promise when the answer comes later. */
export type Journal = (room: string, entries: Entry[]) => void | Promise<void>;

/** Per room, the last journal write still on its way, and what waits for it. */
export class JournalOrder {
  /** Per room, the last write (or the effects waiting for it) still on its way. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * @param journal where entries go (none: nothing is kept, effects leave at once)
   * @param warn where a failed or refused write is reported
   * @param refused hears of a room whose write was refused (another owner took it over): it must be let go
   */
  constructor(
    private journal: Journal | undefined,
    private readonly warn: (line: string) => void,
    private readonly refused: (room: string) => void,
  ) {}

  /**
   * Writes journal entries. A write that fails mid-game (disk full, file removed) is reported once,
   * loudly, and the game goes on without it: players keep getting their verdicts, and a restart
   * would not restore the game — the operator is told so.
   */
  write(room: string, entries: Entry[]): Promise<void> | undefined {
    try {
      return this.journal?.(room, entries) ?? undefined;
    } catch (error) {
      this.journal = undefined;
      this.warn(
        `journal write failed (${(error as Error).message}): the game goes on, but a restart will not restore it`,
      );
    }
  }

  /** Writes a room's first entries (it is opened or taken on): its later effects wait for them. */
  writeFirst(room: string, entries: Entry[]): void {
    const written = this.write(room, entries);
    if (written) this.tails.set(room, written);
  }

  /**
   * Runs `release` once `written` and every earlier write of the room are done: at once when none is
   * on its way. A refused write reports, lets the room go and runs `lost` instead (what this step
   * decided was not kept); the room's later steps are released after that, so one that checks
   * whether the room is still held sends nothing.
   */
  after(room: string, written: Promise<void> | undefined, release: () => void, lost: () => void): void {
    const tail = this.tails.get(room);
    if (!written && !tail) return release();
    // Chained on the tail: these effects go out after the ones that waited before them.
    const next = Promise.all([tail, written]).then(release, (error) => {
      this.warn(`journal write for room ${room} refused (${(error as Error).message}): letting it go`);
      this.refused(room);
      lost();
    });
    this.tails.set(room, next);
    void next.then(() => this.tails.get(room) === next && this.tails.delete(room));
  }
}
