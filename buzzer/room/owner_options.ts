/** What a room owner is given: its engine's settings, a clock, limits, and where what it decides goes. */
import type { Clock } from "../time.ts";
import type { Settings } from "./effects.ts";
import type { Journal } from "./journal_order.ts";
import type { FairnessRecord } from "./records.ts";
import type { Room } from "./state.ts";

/** What an owner needs: the engine's settings, a clock, limits, and where journal, records and lines go. */
export interface OwnerOptions {
  settings: Settings;
  clock: Clock;
  maxRooms: number;
  /** Rooms restored from a journal. */
  rooms?: Map<string, Room>;
  /**
   * Receives what must survive a restart, before any effect it backs leaves. A journal that answers
   * later (Redis) returns a promise: the effects wait for it, and a refused write (another owner
   * took the room over) drops the room here instead of letting stale effects out.
   */
  journal?: Journal;
  /** Receives every fairness record, a batch at a time (e.g. to append to a file). */
  onRecords?: (records: FairnessRecord[]) => void;
  log?: (line: string) => void;
  /** Where a failed write is reported (once per kind); stderr by default. */
  warn?: (line: string) => void;
  /** Rooms one address may hold open at once (default 20). */
  roomsPerAddress?: number;
  /** Only the server's secret opens new rooms (default: any host may open one). */
  privateRooms?: boolean;
  /** An empty room with no one active for this long is closed, in ms (default 30 minutes). */
  roomIdle?: number;
  /** How often departed players and idle rooms are looked for, in ms (default a minute). */
  sweepEvery?: number;
  /** Whether this owner holds the default room from the start (in a cluster it is adopted instead). */
  hostsMain?: boolean;
  /** Hears of a room let go because its journal refused a write (another process owns it now). */
  onLost?: (room: string) => void;
}

/** Lifetimes and bounds an owner uses unless told otherwise. */
export const OWNER_DEFAULTS = {
  roomsPerAddress: 20,
  roomIdle: 30 * 60_000,
  sweepEvery: 60_000,
};
