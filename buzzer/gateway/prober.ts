/**
 * The gateway's clock prober: ping frames to every connection from the moment it opens, JSON pings
 * to JSON players, within a budget of probes a second; link changes go to the rooms' owners, and an
 * armed round's release time goes to each player on its own clock.
 */
import type { Server } from "bun";
import type { Link } from "../fair.ts";
import { uplinkAllowance } from "../fair.ts";
import { DEFAULT_ROOM, encode } from "../protocol.ts";
import type { Admission } from "./admission.ts";
import type { Conn, Socket } from "./conn.ts";
import type { GatewayOptions } from "./gateway.ts";
import { frameAnswered, frameSent, jsonAnswered, jsonSent, startJson } from "./probes.ts";

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

/** Sends and reads clock probes for every connection of one gateway. */
export class Prober {
  server: Server<Conn> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly rooms = new Map<string, Set<Socket>>();
  private probeSeq = 0;
  private prospect: Link | null = null;
  private ticks = 0;
  /** When the last buzz came in. */
  private buzzedAt = -Infinity;

  constructor(
    private readonly opts: GatewayOptions,
    private readonly conns: Map<string, Socket>,
    private readonly admission: Admission,
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

  /** A connection closed; returns whether its room has no players left on this gateway. */
  closed(ws: Socket): boolean {
    const members = ws.data.room ? this.rooms.get(ws.data.room) : undefined;
    members?.delete(ws);
    if (members?.size !== 0 || !ws.data.room) return false;
    this.rooms.delete(ws.data.room);
    return true;
  }

  /** A ping frame came back: its payload is the time it was sent. */
  onPingFrame(ws: Socket, data: Buffer): void {
    if (data.byteLength !== 8) return;
    const t0 = new DataView(data.buffer, data.byteOffset, 8).getFloat64(0);
    const { probes, room, player } = ws.data;
    if (!frameAnswered(probes, t0, this.opts.clock.now())) return;
    if (room && player && probes.link) this.opts.bus.send({ type: "link", room, player, link: probes.link });
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
      const est = ws.data.probes.est;
      const msg = { type: "release" as const, round, countdown: Math.round(at - now) };
      ws.send(encode(est ? { ...msg, at: at + est.offset } : msg));
    }
  }

  private tick(): void {
    const now = this.opts.clock.now();
    const busy = now - this.buzzedAt < QUIET && this.ticks % BUSY_EVERY !== 0;
    let budget = busy ? 0 : (PROBE_BUDGET * TICK) / 1000;
    // Steady probes are spread out as connections grow, so they never take more than their share.
    const steady = Math.max(this.opts.probeEvery, (this.conns.size * 1000) / (PROBE_BUDGET * STEADY_SHARE));
    let prospect: Link | null = null;
    for (const ws of this.conns.values()) {
      const p = ws.data.probes;
      if (ws.data.mode === "new" && p.link && uplinkAllowance(p.link) > uplinkAllowance(prospect))
        prospect = p.link;
      if (budget <= 0) continue;
      if (now >= p.nextFrameAt) {
        const buf = new ArrayBuffer(8);
        new DataView(buf).setFloat64(0, now);
        ws.ping(new Uint8Array(buf));
        frameSent(p, now, steady);
        budget--;
      }
      if (now >= p.nextJsonAt) {
        const id = ++this.probeSeq;
        ws.send(encode({ type: "ping", id }));
        jsonSent(p, id, now, steady);
        budget--;
      }
    }
    this.sendProspect(prospect);
    if (++this.ticks % 100 === 0) this.admission.prune(now);
  }

  /** Tells the default room's owner how long the links of this gateway's unjoined connections are. */
  private sendProspect(link: Link | null): void {
    const before = this.prospect;
    if (
      Math.abs(uplinkAllowance(link) - uplinkAllowance(before)) <= PROSPECT_STEP &&
      (link === null) === (before === null)
    )
      return;
    this.prospect = link;
    this.opts.bus.send({ type: "prospects", room: DEFAULT_ROOM, gateway: this.opts.id, link });
  }
}
