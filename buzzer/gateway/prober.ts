/**
 * The gateway's clock prober: ping frames to every connection from the moment it opens, JSON pings
 * to JSON players, within a budget of probes a second; link changes go to the rooms' owners, an
 * armed round's release time goes to each player on its own clock, and a quiet room's players are
 * kept hearing from the server (keepalive.ts).
 */
import type { Server } from "bun";
import { clientTime } from "../clock.ts";
import type { Link } from "../fair.ts";
import { uplinkAllowance } from "../fair.ts";
import { encode } from "../parse.ts";
import { DEFAULT_ROOM } from "../protocol.ts";
import type { Admission } from "./admission.ts";
import { type Conn, held, type Socket, topic } from "./conn.ts";
import type { ConnTable } from "./conn_table.ts";
import { ALIVE, Keepalive } from "./keepalive.ts";
import type { GatewayOptions } from "./options.ts";
import {
  clockOf,
  frameAnswered,
  frameSent,
  jsonAnswered,
  jsonSent,
  linkNews,
  mayPing,
  startJson,
} from "./probes.ts";

/** How often the prober looks for probes that are due, in ms. */
const TICK = 100;
/**
 * Most probes a second across all connections: probing never costs more than this, however many
 * connect (a ping frame costs the server a write of its own). Warm-up of a crowd takes longer.
 */
const PROBE_BUDGET = 1000;
/** Steady probes are spread so that they take at most this share of the budget. */
const STEADY_SHARE = 0.2;
/**
 * Probes wait until no buzz has come for this long, in ms: a burst is decided first, measured after.
 * Every BUSY_EVERY-th tick probes anyway, so a stream of buzzes (a flooder's) cannot stop measuring.
 */
const QUIET = 250;
const BUSY_EVERY = 5;
/** Prospects (see Room.prospects) are sent again only when they move by more than this, in ms. */
const PROSPECT_STEP = 1;

/**
 * A ping frame's payload, its send time, written in place for each ping: a socket sends the bytes it
 * is given at once, so one buffer serves every ping (up to a thousand a second) instead of three
 * new objects each.
 */
const PING_PAYLOAD = new Uint8Array(8);
const PING_TIME = new DataView(PING_PAYLOAD.buffer);

/** The links of connections that may still send a plain buzz: the longest, and whether one cannot be measured. */
interface Prospects {
  link: Link | null;
  unmeasured: boolean;
}

/** Folds a connection into the prospects: one not joined yet, or one whose plain buzz is held for a measure. */
function addProspect(prospects: Prospects, ws: Socket): void {
  const p = ws.data.probes;
  const holds = held(ws.data);
  if (ws.data.mode !== "new" && !holds) return;
  if (p.link && uplinkAllowance(p.link) > uplinkAllowance(prospects.link)) prospects.link = p.link;
  else if (!p.link && (!p.answered || holds)) prospects.unmeasured = true;
}

/** Sends and reads clock probes for every connection of one gateway. */
export class Prober {
  server: Server<Conn> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly rooms = new Map<string, Set<Socket>>();
  private readonly keepalive = new Keepalive();
  private probeSeq = 0;
  private prospect: { link: Link | null; unmeasured: boolean } = { link: null, unmeasured: false };
  /** Whether the default room's owner has been told the prospects since the last takeover. */
  private told = true;
  private ticks = 0;
  /** Whether a look at the prospects is due at the end of this turn (see released). */
  private recheck = false;
  /** When the last buzz came in. */
  private buzzedAt = -Infinity;

  constructor(
    private readonly opts: GatewayOptions,
    private readonly conns: ConnTable,
    private readonly admission: Admission,
    /** Called when a connection's newest ping frame is answered (a fresh measure of its link). */
    private readonly onMeasured: (ws: Socket) => void,
  ) {}

  /** Starts the tick that sends due probes. */
  start(server: Server<Conn>): void {
    this.server = server;
    const tick = () => {
      this.tick();
      this.timer = this.opts.clock.after(TICK, tick) as ReturnType<typeof setTimeout>;
    };
    this.timer = this.opts.clock.after(TICK, tick) as ReturnType<typeof setTimeout>;
  }

  /** Stops the tick. */
  stop(): void {
    this.opts.clock.cancel(this.timer);
  }

  /**
   * A plain buzz is held until its link is measured (plain.ts): the default room's owner hears at
   * once that a connection cannot be measured, not at the next tick, so its window waits for it.
   */
  holding(): void {
    if (!this.prospect.unmeasured) this.sendProspect(this.prospect.link, true);
  }

  /**
   * A held plain buzz went on: once this turn is done, the owner hears whether a connection still
   * cannot be measured. Its window waits as for one that cannot until it does, and the next tick
   * may be 100 ms away.
   */
  released(): void {
    if (!this.prospect.unmeasured || this.recheck) return;
    this.recheck = true;
    this.opts.clock.soon(() => {
      this.recheck = false;
      const prospects: Prospects = { link: null, unmeasured: false };
      this.conns.forEach((ws) => {
        addProspect(prospects, ws);
      });
      this.sendProspect(prospects.link, prospects.unmeasured);
    });
  }

  /** Notes a buzz: probes hold off while buzzes come in. */
  buzzed(now: number): void {
    this.buzzedAt = now;
  }

  /** A connection was bound to a room: JSON players get clock pings too. */
  joined(ws: Socket, now: number): void {
    const { room, player, mode } = ws.data;
    if (!room || !player) return;
    let members = this.rooms.get(room);
    if (!members) {
      members = new Set();
      this.rooms.set(room, members);
    }
    members.add(ws);
    if (mode === "json") startJson(ws.data.probes, now);
  }

  /** How many of a room's players this gateway holds. */
  players(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  /** A connection closed; returns whether its room has no players left on this gateway. */
  closed(ws: Socket): boolean {
    const members = ws.data.room ? this.rooms.get(ws.data.room) : undefined;
    members?.delete(ws);
    if (members?.size !== 0 || !ws.data.room) return false;
    this.rooms.delete(ws.data.room);
    this.keepalive.forget(ws.data.room);
    return true;
  }

  /** Every player of `room` on this gateway was just sent a message (a published view). */
  published(room: string, now: number): void {
    // Every gateway gets every room's views, and one comes after a room's last player here left:
    // only rooms with players here are counted, or the count of each would be kept for good.
    if (this.rooms.has(room)) this.keepalive.heard(room, now);
  }

  /** A ping frame came back: its payload is the time it was sent. */
  onPingFrame(ws: Socket, data: Buffer): void {
    if (data.byteLength !== 8) return;
    // Read in place: a DataView over `data.buffer` would make the runtime give this small Buffer an
    // ArrayBuffer of its own, two objects and a copy for every pong (up to a thousand a second).
    const t0 = data.readDoubleBE(0);
    const { probes, room, player } = ws.data;
    if (!frameAnswered(probes, t0, this.opts.clock.now())) return;
    // A connection whose join is on its way is told at its bind (gateway.ts), not here.
    const link = room && player ? linkNews(probes) : null;
    if (room && player && link) {
      this.opts.bus.send({ type: "link", conn: this.conns.idOf(ws.data), room, player, link });
    }
    this.onMeasured(ws);
  }

  /** Makes the next tick tell the default room's owner the prospects again (a new owner took it over). */
  forgetProspects(): void {
    this.prospect = { link: null, unmeasured: false };
    this.told = false;
  }

  /** Sends a ping frame now, whatever the schedule (the newest ping is the one whose answer counts). */
  pingNow(ws: Socket, now: number, steady = this.opts.probeEvery): void {
    PING_TIME.setFloat64(0, now);
    ws.ping(PING_PAYLOAD);
    frameSent(ws.data.probes, now, steady);
  }

  /** A JSON client answered a clock ping. */
  onPong(ws: Socket, id: number, t: number, now: number): void {
    jsonAnswered(ws.data.probes, id, t, now);
  }

  /** Tells each JSON player of a room when its armed round opens, on the player's own clock. */
  release(room: string, round: number, at: number): void {
    const now = this.opts.clock.now();
    for (const ws of this.rooms.get(room) ?? []) {
      if (ws.data.mode !== "json") continue;
      const est = clockOf(ws.data.probes);
      const msg = { type: "release" as const, round, countdown: Math.round(at - now) };
      // On the player's clock, drift included: at 100 ppm a minute's countdown would end 6 ms early.
      ws.send(encode(est ? { ...msg, at: clientTime(est, at) } : msg));
    }
  }

  private tick(): void {
    const now = this.opts.clock.now();
    const busy = now - this.buzzedAt < QUIET && this.ticks % BUSY_EVERY !== 0;
    let budget = busy ? 0 : (PROBE_BUDGET * TICK) / 1000;
    // Steady probes are spread out as connections grow, so they never take more than their share.
    const steady = Math.max(this.opts.probeEvery, (this.conns.size * 1000) / (PROBE_BUDGET * STEADY_SHARE));
    const prospects: Prospects = { link: null, unmeasured: false };
    // A connection never measured is pinged first; one measured already waits for what the budget
    // leaves. In slot order alone, the first connections' quick warm-up probes took the budget, and
    // a crowd's last connections had their first ping seconds later, often just before a burst:
    // a buzz that finds no measure is held, and the whole room waits for it (unmeasuredWait).
    const again: Socket[] = [];
    this.conns.forEach((ws) => {
      const p = ws.data.probes;
      if (budget > 0 && now >= p.nextFrameAt && mayPing(p, now)) {
        if (p.link === null) {
          this.pingNow(ws, now, steady);
          budget--;
        } else again.push(ws);
      }
      if (budget > 0 && p.json && now >= p.json.nextAt) {
        const id = ++this.probeSeq;
        ws.send(encode({ type: "ping", id }));
        jsonSent(p.json, id, now, steady);
        budget--;
      }
      // Looked at after its ping: one whose first ping goes out now is unmeasured from now.
      addProspect(prospects, ws);
    });
    for (const ws of again) {
      if (budget <= 0) break;
      this.pingNow(ws, now, steady);
      budget--;
    }
    this.sendProspect(prospects.link, prospects.unmeasured);
    for (const room of this.keepalive.quiet(this.rooms.keys(), now))
      this.server?.publish(topic(room, "players"), ALIVE);
    if (++this.ticks % 100 === 0) this.admission.prune(now);
  }

  /**
   * Tells the default room's owner how long the links of this gateway's unjoined connections are,
   * and whether one of them could not be measured (its client is not reading).
   */
  private sendProspect(link: Link | null, unmeasured: boolean): void {
    const before = this.prospect;
    const same =
      Math.abs(uplinkAllowance(link) - uplinkAllowance(before.link)) <= PROSPECT_STEP &&
      (link === null) === (before.link === null) &&
      unmeasured === before.unmeasured;
    if (same && this.told) return;
    this.told = true;
    this.prospect = { link, unmeasured };
    this.opts.bus.send({ type: "prospects", room: DEFAULT_ROOM, gateway: this.opts.id, link, unmeasured });
  }
}
