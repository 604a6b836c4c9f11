/**
 * Room ownership and room journals in Redis. A room has one owner at a time: the process holding
 * its lease (`bz:lease:ROOM` = "PID:NONCE", set with an expiry and renewed while the owner lives).
 * Every takeover draws a fresh random nonce, and every journal write checks, in the same atomic
 * script, that the lease still holds the writer's value: an owner that paused past its lease can
 * never write after another took over (a fencing token), and so never sends a verdict it did not keep.
 * A room leaves nothing behind once gone: a lease taken for a room that turned out not to exist is
 * let go at once, and a room that closes takes its journal and lease with it.
 * Every script also checks `bz:store`, an id set once per Redis dataset: a Redis that came back
 * empty (or was flushed) answers LOST instead of handing out leases to rooms whose journals are gone.
 */
import type { RedisClient } from "bun";
import { randomHex } from "../../lib/secret.ts";
import { type Entry, snapshot } from "../journal.ts";
import { parseJournal } from "../journal_check.ts";
import { replay } from "../journal_replay.ts";
import type { Room } from "../room/state.ts";

/** How long a lease lasts without renewal, in ms: a dead owner's rooms are taken over after this. */
const LEASE_MS = 3000;

/**
 * The journal lines a room may gather before it is written afresh as a snapshot of the room (or
 * twice its last snapshot's, for a room whose snapshot alone is longer): Redis holds a game, not
 * its history, however many rounds a host plays.
 */
export const JOURNAL_LINES = 1000;

const key = {
  lease: (room: string) => `bz:lease:${room}`,
  journal: (room: string) => `bz:journal:${room}`,
  store: "bz:store",
};

/** The start of every script that needs the game's data: KEYS[1] is `bz:store`, ARGV[1] our id for it. */
const CHECK = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('LOST Redis no longer has the game data') end
`;

/** Whether an error is Redis saying the game's data is gone (restarted empty, or flushed). */
export function isStoreLost(error: unknown): boolean {
  return String((error as Error)?.message).startsWith("LOST");
}

/**
 * Takes a free lease (ARGV[2] is "PID:NONCE", a nonce never drawn before: no counter is kept per
 * room, so a room code no one opened leaves no key), or names its holder: returns its value.
 */
const TAKE = `${CHECK}local v = redis.call('GET', KEYS[2])
if v then return v end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return ARGV[2]`;
/** Extends a lease that is still ours; 0 when it is not. */
const RENEW = `${CHECK}if redis.call('GET', KEYS[2]) == ARGV[2] then return redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return 0`;
/** Appends journal lines if the lease is still ours (ARGV[3] = 1 replaces the journal: a compaction). */
const APPEND = `${CHECK}if redis.call('GET', KEYS[2]) ~= ARGV[2] then return redis.error_reply('FENCED another process owns this room') end
if ARGV[3] == '1' then redis.call('DEL', KEYS[3]) end
for i = 4, #ARGV do redis.call('RPUSH', KEYS[3], ARGV[i]) end
return 1`;
/** Lets a lease go if it is still ours (ARGV[3] = 1 also deletes the journal: the room closed). */
const RELEASE = `${CHECK}if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
if ARGV[3] == '1' then redis.call('DEL', KEYS[3]) end
return redis.call('DEL', KEYS[2])`;

/** The leases this process holds, and its journal writes under them. */
export class Leases {
  /** Room → the lease value this process holds for it. */
  private readonly held = new Map<string, string>();
  /** Room → the lines in its journal (as this process wrote them) and in its last snapshot. */
  private readonly lines = new Map<string, { count: number; snapshot: number }>();
  private renewer: ReturnType<typeof setInterval> | null = null;
  /** The id of the Redis dataset this process's leases and journals are in (see joinStore). */
  private dataset = "";

  constructor(
    private readonly redis: RedisClient,
    private readonly pid: string,
  ) {}

  /** Whether this process owns the room. */
  holds(room: string): boolean {
    return this.held.has(room);
  }

  /**
   * Names the Redis dataset, or learns the name another process gave it: at start, and once it is
   * found lost. Returns whether this process named it (the first to see the loss tells everyone).
   */
  async joinStore(): Promise<boolean> {
    const mine = crypto.randomUUID();
    await this.redis.send("SET", [key.store, mine, "NX"]);
    this.dataset = String(await this.redis.send("GET", [key.store]));
    return this.dataset === mine;
  }

  /** The id of the Redis dataset this process works in. */
  get store(): string {
    return this.dataset;
  }

  /** Works in the dataset another process named after Redis lost the game's data. */
  useStore(name: string): void {
    this.dataset = name;
  }

  /** Whether Redis still has the dataset this process joined (a Redis back from a restart may not). */
  async storeKept(): Promise<boolean> {
    return String(await this.redis.send("GET", [key.store])) === this.dataset;
  }

  /** Forgets every lease (Redis went away, or lost them): returns the rooms that were held. */
  forgetAll(): string[] {
    const rooms = [...this.held.keys()];
    this.held.clear();
    this.lines.clear();
    return rooms;
  }

  /** Takes the room's lease if it is free; returns the owner's process id (ours if taken). */
  async take(room: string): Promise<string> {
    const mine = `${this.pid}:${randomHex(16)}`;
    const value = String(await this.eval(TAKE, [key.lease(room)], [mine, `${LEASE_MS}`]));
    const holder = value.slice(0, value.indexOf(":"));
    if (holder === this.pid) this.held.set(room, value);
    return holder;
  }

  /** The room as its journal keeps it, compacted to a snapshot; undefined for a room never written. */
  async load(room: string): Promise<Room | undefined> {
    const lines = (await this.redis.send("LRANGE", [key.journal(room), "0", "-1"])) as string[];
    if (lines.length === 0) return undefined;
    // Times in a cluster are on the shared wall clock: no shift between processes (epoch 0).
    const restored = replay(parseJournal(`${lines.join("\n")}\n`).entries, 0).get(room);
    if (restored) await this.write(room, snapshot([restored], 0), true);
    return restored;
  }

  /**
   * Keeps a step's entries in the room's journal: appended, or, once the journal would pass its
   * bound, written afresh as `current` (the room now, which already holds the entries) is.
   */
  keep(room: string, entries: Entry[], current: Room | undefined): Promise<void> {
    const kept = this.lines.get(room);
    const bound = Math.max(JOURNAL_LINES, 2 * (kept?.snapshot ?? 0));
    const afresh = current !== undefined && kept !== undefined && kept.count + entries.length > bound;
    return afresh ? this.write(room, snapshot([current], 0), true) : this.write(room, entries);
  }

  /**
   * Appends entries to the room's journal, fenced by our lease; rejects once another owns the room.
   * Entries that close the room remove its journal and lease instead: a closed room keeps nothing.
   */
  async write(room: string, entries: Entry[], replace = false): Promise<void> {
    const value = this.held.get(room);
    if (value === undefined) throw new Error("this process does not own the room");
    if (entries.at(-1)?.e === "close") return this.release(room, true);
    const lines = entries.map((e) => JSON.stringify(e));
    const before = this.lines.get(room) ?? { count: 0, snapshot: 0 };
    const { length } = lines;
    this.lines.set(
      room,
      replace ? { count: length, snapshot: length } : { ...before, count: before.count + length },
    );
    await this.eval(APPEND, [key.lease(room), key.journal(room)], [value, replace ? "1" : "0", ...lines]);
  }

  /**
   * Renews every lease held, a third of a lease period apart; `lost` hears of any that was not ours
   * any more, `failed` of a renewal Redis could not carry out (e.g. LOST).
   */
  startRenewing(lost: (room: string) => void, failed: (error: unknown) => void): void {
    this.renewer = setInterval(() => {
      for (const [room, value] of this.held) {
        this.eval(RENEW, [key.lease(room)], [value, `${LEASE_MS}`]).then((renewed) => {
          if (renewed) return;
          this.forget(room);
          lost(room);
        }, failed);
      }
    }, LEASE_MS / 3);
  }

  /** Stops renewing (the leases run out, so other processes take the rooms over). */
  stop(): void {
    if (this.renewer) clearInterval(this.renewer);
  }

  /** Forgets a lease this process lost (its writes were refused). */
  forget(room: string): void {
    this.held.delete(room);
    this.lines.delete(room);
  }

  /**
   * Lets a room go now, and its journal too if it `closed`: another process need not wait for the
   * lease to run out, and a room that is gone leaves no key behind.
   */
  async release(room: string, closed = false): Promise<void> {
    const value = this.held.get(room);
    this.forget(room);
    if (value) await this.eval(RELEASE, [key.lease(room), key.journal(room)], [value, closed ? "1" : "0"]);
  }

  /** Runs a script behind the dataset check: `bz:store` goes first in its keys, our id for it in its args. */
  private eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.redis.send("EVAL", [script, `${keys.length + 1}`, key.store, ...keys, this.dataset, ...args]);
  }
}
