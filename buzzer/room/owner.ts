/**
 * A room owner: runs the engine for the rooms it owns. It batches buzzes that arrive together,
 * keeps one timer per room on an injected Clock, writes the journal before any effect of a step
 * leaves, and hands the rest to the bus. It never touches a socket.
 */
import { type Entry, roundEntry } from "../journal.ts";
import { DEFAULT_ROOM } from "../protocol.ts";
import type { GatewayEffect, HostMessage, RoomCommand, RoomEffect } from "./commands.ts";
import type { Buzz } from "./decide.ts";
import { notKept } from "./effects.ts";
import { apply, awaitReturns, decided, type EngineCommand, nextWake } from "./engine.ts";
import { JournalOrder } from "./journal_order.ts";
import { mayOpen } from "./opening.ts";
import { OWNER_DEFAULTS, type OwnerOptions } from "./owner_options.ts";
import type { FairnessRecord } from "./records.ts";
import { newRoom, type Room } from "./state.ts";

export { OWNER_DEFAULTS, type OwnerOptions } from "./owner_options.ts";

/** The prospects' key under which a room taken over waits for the gateways to bind their connections again. */
const TAKEOVER = "takeover";
/** How long that takes at most, in ms: each gateway hears of the takeover over the bus, then rebinds. */
const TAKEOVER_GRACE = 1000;

/** Runs rooms: commands in, effects out to the bus, timers and the journal in between. */
export class Owner {
  readonly rooms: Map<string, Room>;
  private deliver: (effects: GatewayEffect[]) => void = () => {};
  private readonly timers = new Map<string, { at: number; handle: unknown }>();
  private readonly inboxes = new Map<string, Buzz[]>();
  private onRecords: OwnerOptions["onRecords"];
  private sweeper: unknown;
  /** The journal, written first: a room's effects wait, in order, for the writes behind them. */
  private readonly journal: JournalOrder;
  /** Set by detach: nothing runs or sets a timer after it. */
  private detached = false;

  constructor(private readonly opts: OwnerOptions) {
    this.rooms = opts.rooms ?? new Map();
    this.journal = new JournalOrder(
      opts.journal,
      (line) => this.warn(line),
      (code) => {
        this.drop(code);
        opts.onLost?.(code);
      },
    );
    this.onRecords = opts.onRecords;
    const main = this.rooms.get(DEFAULT_ROOM);
    // The original has no host: the default room starts open, so the first buzz ever wins.
    if (main) main.secret = opts.settings.mainSecret;
    else if (opts.hostsMain !== false)
      this.rooms.set(DEFAULT_ROOM, newRoom(DEFAULT_ROOM, opts.settings.mainSecret, "open"));
    for (const room of this.rooms.values()) this.resume(room);
    // Often enough that a departed player is forgotten within about twice its grace.
    const every =
      opts.sweepEvery ?? Math.min(OWNER_DEFAULTS.sweepEvery, Math.max(1000, opts.settings.resumeGrace / 2));
    const sweep = () => {
      this.sweep();
      this.sweeper = opts.clock.after(every, sweep);
    };
    this.sweeper = opts.clock.after(every, sweep);
  }

  /** Connects the owner to the bus that carries its effects to the gateways. */
  connect(deliver: (effects: GatewayEffect[]) => void): void {
    this.deliver = deliver;
  }

  /** Takes one command from a gateway. */
  handle(cmd: RoomCommand): void {
    const room = this.rooms.get(cmd.room) ?? (cmd.type === "join" ? this.open(cmd) : undefined);
    if (!room) return;
    if (cmd.type === "host" || cmd.type === "leave") {
      // Buzzes that arrived before a host action are decided under the round they arrived in, and
      // a player's buzz before it left is decided while it is still there.
      this.flush(room);
    }
    if (cmd.type !== "buzz") return this.run(room, cmd);
    // A final repeat or a lockout is answered at once; other buzzes wait for the rest of this turn
    // of the event loop, so a burst is decided in one pass.
    if (decided(room, cmd.claim.player)) return this.run(room, { type: "buzzes", list: [cmd] });
    const inbox = this.inboxes.get(room.code);
    if (inbox) return void inbox.push(cmd);
    this.openInbox(room, cmd);
  }

  /**
   * Starts a room's batch with its first buzz, decided once this turn of the event loop is done. Its
   * own method: a function that makes a closure allocates the closure's scope on every call, and
   * `handle` runs for every buzz of a burst.
   */
  private openInbox(room: Room, cmd: Buzz): void {
    this.inboxes.set(room.code, [cmd]);
    this.opts.clock.soon(() => this.flush(room));
  }

  /** Takes a room on in a cluster: restored from its journal, or new (only the default room: open, and journaled). */
  adopt(code: string, restored?: Room): void {
    // A room never written is opened by its host's join (see open); only the default room is always there.
    if (!restored && code !== DEFAULT_ROOM) return;
    const { mainSecret } = this.opts.settings;
    const room = restored ?? newRoom(code, mainSecret, code === DEFAULT_ROOM ? "open" : "locked");
    if (code === DEFAULT_ROOM) room.secret = mainSecret;
    // Versions are not kept: a room taken over counts on from a later number, so every client
    // sees a gap and asks for a fresh snapshot rather than trust its old view.
    if (restored) room.version = Math.floor(this.opts.clock.now());
    this.rooms.set(code, room);
    if (restored) {
      // Its lines go on in this terminal from now: said, so they are not read as out of nowhere.
      this.opts.log?.(`Room ${code} is run by this process now`);
      this.resume(room);
      return this.awaitGateways(room);
    }
    // Written as a room a host opens is: in a cluster the next owner restores it from this journal.
    this.journal.writeFirst(code, [{ e: "room", room: code, secret: room.secret }, roundEntry(room)]);
  }

  /**
   * Until every process's gateway has heard of a takeover and bound its connections again, the
   * window cannot know their players' links: for a moment it waits as for a connection it cannot
   * measure (a prospect of its own), so no buzz from this process is placed ahead of theirs.
   */
  private awaitGateways(room: Room): void {
    const command = (unmeasured: boolean): EngineCommand => ({
      type: "prospects",
      room: room.code,
      gateway: TAKEOVER,
      link: null,
      unmeasured,
    });
    this.run(room, command(true));
    this.opts.clock.after(TAKEOVER_GRACE, () => {
      if (this.rooms.get(room.code) === room) this.run(room, command(false));
    });
  }

  /** Runs a restored room: its open round keeps its deadline (one passed meanwhile locks at the first tick). */
  private resume(room: Room): void {
    const now = this.opts.clock.now();
    awaitReturns(room, now);
    this.wake(room, nextWake(room), now);
  }

  /** Lets a room go (another owner has it now; `quietly` if Redis is away): its timers stop, nothing more goes out. */
  drop(code: string, quietly = false): void {
    const room = this.rooms.get(code);
    if (!room) return;
    this.wake(room, null, this.opts.clock.now());
    this.inboxes.delete(code);
    this.rooms.delete(code);
    if (!quietly) this.opts.log?.(`Room ${code} is run by another process now`);
  }

  /** A host action from the server's own terminal. */
  hostKey(room: string, action: HostMessage): void {
    this.handle({ type: "host", conn: null, room, action });
  }

  /** Stops every timer. */
  detach(): void {
    this.detached = true;
    this.inboxes.clear();
    for (const { handle } of this.timers.values()) this.opts.clock.cancel(handle);
    this.timers.clear();
    this.opts.clock.cancel(this.sweeper);
  }

  /** Forgets departed players, and closes rooms that have stood empty and idle past their lifetime. */
  private sweep(): void {
    const now = this.opts.clock.now();
    for (const room of [...this.rooms.values()]) {
      this.flush(room);
      this.run(room, { type: "sweep" });
      const idle = now - room.activeAt >= (this.opts.roomIdle ?? OWNER_DEFAULTS.roomIdle);
      const empty = room.watchers.size === 0 && ![...room.players.values()].some((p) => p.conn !== null);
      if (room.code === DEFAULT_ROOM || !empty || !idle) continue;
      this.wake(room, null, now);
      this.rooms.delete(room.code);
      this.journal.write(room.code, [{ e: "close", room: room.code }]);
      this.opts.log?.(`Room ${room.code} closed (idle)`);
    }
  }

  private flush(room: Room): void {
    const list = this.inboxes.get(room.code);
    if (!list) return;
    this.inboxes.delete(room.code);
    this.run(room, { type: "buzzes", list });
  }

  /** Opens the room a host's join names, or refuses the join. */
  private open(cmd: Extract<RoomCommand, { type: "join" }>): Room | undefined {
    const { settings, privateRooms = false, maxRooms } = this.opts;
    const opening = mayOpen(this.rooms, cmd, {
      mainSecret: settings.mainSecret,
      privateRooms,
      maxRooms,
      roomsPerAddress: this.opts.roomsPerAddress ?? OWNER_DEFAULTS.roomsPerAddress,
    });
    if (!opening.ok) {
      const { code, message } = opening;
      return void this.deliver([{ type: "error", conn: cmd.conn, code, message }]);
    }
    const room = newRoom(cmd.room, opening.secret, "locked", cmd.address);
    room.activeAt = this.opts.clock.now();
    this.rooms.set(room.code, room);
    this.journal.writeFirst(room.code, [
      { e: "room", room: room.code, secret: room.secret },
      roundEntry(room),
    ]);
    this.opts.log?.(`Room ${room.code} opened`);
    return room;
  }

  private run(room: Room, cmd: EngineCommand): void {
    if (this.detached) return;
    const now = this.opts.clock.now();
    this.carryOut(room, apply(room, cmd, now, this.opts.settings), now);
  }

  /** Journal first, then everything else: a verdict a player has seen is always on disk. */
  private carryOut(room: Room, effects: RoomEffect[], now: number): void {
    const entries: Entry[] = [];
    for (const e of effects) if (e.type === "persist") entries.push(...e.entries);
    const written = entries.length ? this.journal.write(room.code, entries) : undefined;
    const out: GatewayEffect[] = [];
    for (const e of effects) {
      switch (e.type) {
        case "persist":
          break;
        case "records":
          this.record(e.records);
          break;
        case "log":
          this.opts.log?.(e.line);
          break;
        case "wake":
          this.wake(room, e.at, now);
          break;
        default:
          out.push(e);
      }
    }
    // A room let go while its effects waited for a write sends nothing more: the clients they
    // answered are told to try again (at the room's next owner), not left waiting for good.
    const lost = () => {
      const told = notKept(out);
      if (told.length) this.deliver(told);
    };
    this.journal.after(
      room.code,
      written,
      () => (this.rooms.has(room.code) ? out.length && this.deliver(out) : lost()),
      lost,
    );
  }

  /** Keeps one timer per room, at the earliest moment the engine asked for. */
  private wake(room: Room, at: number | null, now: number): void {
    const timer = this.timers.get(room.code);
    if (at === null) {
      if (timer) this.opts.clock.cancel(timer.handle);
      this.timers.delete(room.code);
      return;
    }
    // A timer that fires earlier than needed only makes an idle tick, which asks for the next one.
    if (timer && timer.at <= at) return;
    if (timer) this.opts.clock.cancel(timer.handle);
    const handle = this.opts.clock.after(Math.max(0, at - now), () => {
      this.timers.delete(room.code);
      this.flush(room);
      this.run(room, { type: "tick" });
    });
    this.timers.set(room.code, { at, handle });
  }

  private record(records: FairnessRecord[]): void {
    try {
      this.onRecords?.(records);
    } catch (error) {
      this.onRecords = undefined;
      this.warn(`fairness log write failed (${(error as Error).message}): the game goes on without it`);
    }
  }

  private warn(line: string): void {
    (this.opts.warn ?? ((l: string) => console.error(l)))(line);
  }
}
