/**
 * A gateway: the Bun websocket handlers. It parses what clients send, rate-limits connections,
 * admits addresses, probes clocks, bounds press times, and turns what it reads into commands for
 * the rooms' owners; the effects that come back it delivers to sockets. It decides no room.
 */
import type { Server, WebSocketHandler } from "bun";
import { Close, closeWords } from "../../lib/close.ts";
import { PLAYERS_LOGGED } from "../../lib/log.ts";
import { RATE, secretsRefusal, take, UNUSED } from "../limit.ts";
import { checkRoom, encode, parseClient } from "../parse.ts";
import {
  type ClientMessage,
  DEFAULT_ROOM,
  type ErrorCode,
  type ErrorDetail,
  LIMITS,
  PLAIN_BUZZ,
} from "../protocol.ts";
import type { GatewayEffect } from "../room/commands.ts";
import { Admission } from "./admission.ts";
import {
  type Conn,
  rateOf,
  rejoin,
  type Socket,
  sendError,
  sendTo,
  takeWaiting,
  topic,
  whoIs,
} from "./conn.ts";
import { ConnTable } from "./conn_table.ts";
import type { GatewayOptions } from "./options.ts";
import { type PlainPath, plainBuzz, release } from "./plain.ts";
import { Prober } from "./prober.ts";
import { blocked, claimOf, linkNews } from "./probes.ts";
import { upgrade } from "./upgrade.ts";

export type { Conn, Socket } from "./conn.ts";
export type { GatewayOptions } from "./options.ts";

/** How a connection in a room is closed when Redis lost the game's data: its client joins again. */
const RESET_REASON = { code: Close.RESET, reason: "the game's data was lost: join again" };

/** Holds the sockets and speaks the wire protocol; rooms are decided elsewhere, across the bus. */
export class Gateway {
  private readonly conns: ConnTable;
  private readonly admission: Admission;
  private readonly prober: Prober;
  private readonly plain: PlainPath;
  /** Each room's current round, as its published states and deltas tell (for answering repeats). */
  private readonly rounds = new Map<string, number>();
  /** When each connection refused for its rate was last told so: only those, not every connection, carry it. */
  private readonly warnedAt = new WeakMap<Conn, number>();
  /** The `host:port` forms clients may use (see web.ts allowedHosts); none until the server listens. */
  private allowed: ReadonlySet<string> = new Set();

  constructor(private readonly opts: GatewayOptions) {
    this.conns = new ConnTable(opts.id);
    this.admission = new Admission(opts.joinsPerAddress);
    this.prober = new Prober(opts, this.conns, this.admission, (ws) => release(ws, this.plain));
    this.plain = {
      ...opts,
      admission: this.admission,
      prober: this.prober,
      conns: this.conns,
      buzz: (ws, room, at) => this.buzz(ws, room, null, at),
    };
  }

  /** Connects the gateway to its server (for pub/sub), accepts the hosts it is reached by, and starts probing. */
  attach(server: Server<Conn>, allowed: ReadonlySet<string>): void {
    this.allowed = allowed;
    this.prober.start(server);
  }

  /** Stops the gateway's timers. */
  detach(): void {
    this.prober.stop();
  }

  /** Upgrades a request to a buzzer connection (see upgrade.ts). */
  readonly fetch = (req: Request, server: Server<Conn>): Response | undefined =>
    upgrade(req, server, {
      opts: this.opts,
      conns: this.conns,
      admission: this.admission,
      allowed: this.allowed,
      say: (address, now, line) => this.say(address, now, line),
    });

  /** The Bun websocket handlers. */
  readonly websocket: WebSocketHandler<Conn> = {
    maxPayloadLength: LIMITS.message,
    // A client that stops reading is closed once 1 MiB waits for it, rather than grow memory for good.
    backpressureLimit: LIMITS.backlog,
    closeOnBackpressureLimit: true,
    open: (ws) => {
      this.conns.add(ws, this.opts.clock.now());
    },
    // Decided synchronously: Bun does not await async handlers in order, and order is the point.
    message: (ws, data) => this.onMessage(ws, data),
    close: (ws, code, reason) => this.onClose(ws, code, reason),
    pong: (ws, data) => this.prober.onPingFrame(ws, data),
  };

  /** Carries out what the owners decided, on this gateway's sockets. */
  deliver(effects: GatewayEffect[]): void {
    for (const e of effects) {
      if (e.type === "publish") {
        const round = e.msg.type === "state" || e.msg.type === "delta" ? e.msg.round : undefined;
        // Kept only for rooms this gateway holds players of: with Redis every gateway gets every room's views.
        if (round !== undefined && this.prober.players(e.room) > 0) this.rounds.set(e.room, round);
        this.prober.server?.publish(topic(e.room, e.audience), encode(e.msg));
        if (e.audience === "players") this.prober.published(e.room, this.opts.clock.now());
        continue;
      }
      if (e.type === "release") {
        this.prober.release(e.room, e.round, e.at);
        continue;
      }
      if (e.type === "adopted" || e.type === "relinked") {
        const adopted = e.type === "adopted";
        for (const cmd of rejoin(this.conns, adopted ? e.room : undefined)) this.opts.bus.send(cmd);
        if (adopted) this.prober.forgetProspects();
        continue;
      }
      if (e.type === "dataLost") {
        for (const ws of [...this.conns.values()]) if (ws.data.room !== null) this.close(ws, RESET_REASON);
        continue;
      }
      const ws = this.conns.get(e.conn);
      if (!ws) continue;
      switch (e.type) {
        case "send":
          sendTo(ws, e.msg);
          break;
        case "error":
          this.refused(ws, e.code, e.message, e);
          break;
        case "bind":
          this.bind(ws, e);
          break;
        case "close":
          this.close(ws, e);
          break;
      }
    }
  }

  private onMessage(ws: Socket, data: string | Buffer): void {
    const now = this.opts.clock.now();
    // Closed with a reason: the line that says so is the close's own (onClose).
    if (typeof data !== "string") {
      return ws.close(Close.UNSUPPORTED_DATA, "binary frames are not supported");
    }
    // `data` is read once: on a Bun socket each read is a call into the runtime.
    const conn = ws.data;
    // Hosts hold the room's secret and may script a game quickly, so their rate is higher, but bounded.
    const { bucket, allowed } = take(conn.bucket, now, rateOf(conn));
    conn.bucket = bucket;
    if (!allowed) return this.refuseFlood(ws, now);
    if (conn.mode !== "json" && data.trim() === PLAIN_BUZZ) return plainBuzz(ws, now, this.plain);
    if (conn.mode === "plain") return void ws.send(`error: send "${PLAIN_BUZZ}" to buzz`);
    const parsed = parseClient(data);
    if (!parsed.ok) return this.error(ws, parsed.code, parsed.message);
    this.dispatch(ws, parsed.msg, now);
  }

  private dispatch(ws: Socket, msg: ClientMessage, now: number): void {
    const conn = ws.data;
    if (msg.type === "join") return this.join(ws, msg, now);
    if (msg.type === "pong") return this.prober.onPong(ws, msg.id, msg.t, now);
    if (!conn.room) return this.error(ws, "NOT_JOINED", "join a room first");
    if (msg.type === "buzz") return this.buzz(ws, conn.room, msg.at ?? null, now);
    const id = this.conns.idOf(conn);
    if (msg.type === "sync")
      return this.opts.bus.send({ type: "sync", conn: id, room: conn.room, player: conn.player });
    if (!conn.host) return this.error(ws, "NOT_HOST", "host actions need the room's secret");
    this.opts.bus.send({ type: "host", conn: id, room: conn.room, action: msg });
  }

  private join(ws: Socket, msg: Extract<ClientMessage, { type: "join" }>, now: number): void {
    const conn = ws.data;
    // A JSON connection has joined, or its join is on its way (a refused one is new again).
    if (conn.mode === "json") return this.error(ws, "ALREADY_JOINED", "this connection has already joined");
    const code = msg.room ? checkRoom(msg.room) : { ok: true as const, msg: DEFAULT_ROOM };
    if (!code.ok) return this.error(ws, code.code, code.message);
    const wait = msg.secret !== undefined ? this.admission.secretWait(conn.address, now) : 0;
    if (wait > 0) return this.error(ws, "RATE_LIMITED", secretsRefusal(wait), { retryIn: wait });
    conn.mode = "json";
    this.opts.bus.send({
      type: "join",
      conn: this.conns.idOf(conn),
      room: code.msg,
      name: msg.name,
      token: msg.token,
      secret: msg.secret,
      watch: msg.watch,
      team: msg.team,
      link: linkNews(conn.probes, true),
      mayAdd: this.admission.mayJoin(conn.address, now),
      address: conn.address,
    });
  }

  private buzz(ws: Socket, room: string, at: number | null, now: number): void {
    const conn = ws.data;
    const { player, probes, verdict } = conn;
    if (!player) return this.error(ws, "NOT_PLAYER", "hosts and viewers do not buzz");
    // A place is final for its round: a repeat gets the same verdict again, without asking the owner.
    if (verdict && verdict.round === this.rounds.get(room)) return void ws.send(verdict.frame);
    // A client that left its pings unanswered answers the old ones late: a fresh one, answered now
    // while it waits for its reply, is the one that counts (see probes.ts frameAnswered).
    if (blocked(probes, now)) this.prober.pingNow(ws, now);
    this.prober.buzzed(now);
    const claim = claimOf(probes, player, at, now, this.opts.maxCompensation, this.opts.clockSkew);
    this.opts.bus.send({ type: "buzz", conn: this.conns.idOf(conn), room, claim });
  }

  private bind(ws: Socket, e: Extract<GatewayEffect, { type: "bind" }>): void {
    const conn = ws.data;
    const now = this.opts.clock.now();
    conn.room = e.room;
    conn.player = e.player;
    conn.host = e.host;
    // A host starts afresh at the host's rate.
    if (e.host) conn.bucket = UNUSED;
    // A plain connection's join was counted when it was made; a JSON player's when the owner added it.
    if (e.added && conn.mode === "json") this.admission.join(conn.address, now);
    this.prober.joined(ws, now);
    // A link measured while the join was on its way was not told with it (prober.ts onPingFrame).
    const link = e.player !== null ? linkNews(conn.probes) : null;
    if (e.player !== null && link)
      this.opts.bus.send({ type: "link", conn: e.conn, room: e.room, player: e.player, link });
    if (conn.mode === "json") ws.subscribe(topic(e.room, e.player === null ? "staff" : "players"));
    for (const at of takeWaiting(conn)) if (e.player !== null) this.buzz(ws, e.room, null, at);
  }

  private onClose(ws: Socket, code: number, reason: string): void {
    const conn = ws.data;
    this.conns.delete(conn);
    this.admission.disconnect(conn.address);
    // A player of a big room is not named as its connection ends (a venue's Wi-Fi dropping a
    // hundred phones would bury the terminal): its room prints counts (room/effects.ts crowdLog).
    const crowd =
      conn.player !== null && conn.room !== null && this.prober.players(conn.room) > PLAYERS_LOGGED;
    // A room none of whose players is here any more needs no remembered round (rooms come and go).
    if (this.prober.closed(ws) && conn.room) this.rounds.delete(conn.room);
    const why = closeWords(code, reason);
    if (why && !crowd)
      this.say(conn.address, this.opts.clock.now(), `Closed ${whoIs(conn)}'s connection: ${why}`);
    if (conn.room)
      this.opts.bus.send({
        type: "leave",
        conn: this.conns.idOf(conn),
        room: conn.room,
        player: conn.player,
      });
  }

  private refuseFlood(ws: Socket, now: number): void {
    const conn = ws.data;
    if (conn.bucket.refused >= RATE.closeAfter) {
      // A flooder that reconnects starts with its address's join allowance spent.
      this.admission.spendJoins(conn.address, now);
      return ws.close(Close.FLOOD, "too many messages");
    }
    if (now - (this.warnedAt.get(conn) ?? Number.NEGATIVE_INFINITY) < 1000) return;
    this.warnedAt.set(conn, now);
    this.error(ws, "RATE_LIMITED", `slow down: at most ${rateOf(conn).perSecond} messages per second`);
  }

  /** Closes a connection the owner has let go of already: its closing tells the room nothing. */
  private close(ws: Socket, how: { code: number; reason: string }): void {
    this.prober.closed(ws);
    ws.data.room = null;
    ws.data.player = null;
    ws.close(how.code, how.reason);
  }

  /** A refusal the owner decided: wrong secrets count against the address (join refuses them once it is spent). */
  private refused(ws: Socket, code: ErrorCode, message: string, detail: ErrorDetail): void {
    const conn = ws.data;
    if (conn.room === null) {
      // A join was refused (the one command an unjoined connection sends): the plain buzzes that
      // waited for it are dropped, and a JSON connection is new again, free to join again.
      conn.waiting = null;
      if (conn.mode === "json") conn.mode = "new";
    }
    if (code === "BAD_SECRET") this.admission.wrongSecret(conn.address, this.opts.clock.now());
    sendError(ws, code, message, detail);
  }

  private error(ws: Socket, code: ErrorCode, message: string, detail?: ErrorDetail): void {
    this.say(ws.data.address, this.opts.clock.now(), `Refused ${whoIs(ws.data)}: ${message}`);
    sendError(ws, code, message, detail);
  }

  /** Prints a line about a client within its address's allowance (LINES_PER_ADDRESS): no flood of connections or requests buries the log. */
  private say(address: string, now: number, line: string): void {
    if (!this.opts.log) return;
    const held = this.admission.logLine(address, now);
    if (held === null) return;
    this.opts.log(
      held > 0 ? `${line} (and ${held} more lines about ${address || "one address"} held back)` : line,
    );
  }
}
