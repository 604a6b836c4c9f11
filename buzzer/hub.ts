/**
 * The buzzer's shell: rooms, players and connections, Bun websocket handlers, pub/sub, timers.
 * Rules live in round.ts, fair.ts and clock.ts; this file feeds them times and sends their results.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { Close, closeLine } from "../lib/close.ts";
import { toServerTime } from "./clock.ts";
import { boundPress, type Link, windowReach } from "./fair.ts";
import { verdictText } from "./format.ts";
import { type Entry, roundEntry } from "./journal.ts";
import {
  type Bucket,
  fullBucket,
  isFull,
  JOINS_PER_ADDRESS,
  RATE,
  type Rate,
  SECRETS_PER_ADDRESS,
  take,
  tokensAt,
} from "./limit.ts";
import {
  type ClientMessage,
  checkName,
  checkRoom,
  type ErrorCode,
  encode,
  LIMITS,
  PLAIN_BUZZ,
  parseClient,
  type ServerMessage,
} from "./protocol.ts";
import {
  type FairnessRecord,
  forget,
  formatRecords,
  linkOf,
  newPlayer,
  newRoom,
  observe,
  type Player,
  type Room,
  roomView,
  uniqueName,
} from "./room.ts";
import * as rules from "./round.ts";
import type { Clock } from "./time.ts";
import { sameOrigin } from "./web.ts";

/** The room every client without a room code joins, plain-text clients included. */
export const DEFAULT_ROOM = "MAIN";

/** What a hub needs: the default room's secret, timing, limits and where its lines go. */
export interface HubOptions {
  secret: string;
  clock: Clock;
  /** Longest decision window, in ms. */
  maxWait: number;
  /** Steady-state interval between clock probes per player, in ms. */
  probeEvery: number;
  maxRooms: number;
  /** Where per-event lines go; none with --quiet (then they are not even formatted). */
  log?: (line: string) => void;
  /** Receives every fairness record as it is written (e.g. to append to a file). */
  onRecord?: (record: FairnessRecord) => void;
  /** How many players may join from one address (default JOINS_PER_ADDRESS). */
  joinsPerAddress?: Rate;
  /** Rooms restored from a journal. */
  rooms?: Map<string, Room>;
  /** Receives what must survive a restart, before it is acknowledged (see journal.ts). */
  journal?: (entries: Entry[]) => void;
  /** Creates ids and tokens; random by default. */
  newId?: () => string;
}

/** Per-connection state, kept on ServerWebSocket.data. */
export interface Conn {
  mode: "new" | "json" | "plain";
  room: string | null;
  player: string | null;
  host: boolean;
  bucket: Bucket;
  badSecrets: number;
  /** Sent probes not yet answered: probe id → server send time. */
  probes: Map<number, number>;
  rateWarnedAt: number;
}

type Socket = ServerWebSocket<Conn>;

/** Limits shared by every connection from one address. */
interface AddressLimits {
  joins: Bucket;
  secrets: Bucket;
}

/** Compares secrets in constant time (by their digests), so timing reveals nothing of the secret. */
function sameSecret(given: string, secret: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/** A buzz waiting to be decided with the others that arrived in the same turn of the event loop. */
interface Inbox {
  ws: Socket;
  player: Player;
  input: Omit<rules.Press, "asks">;
  claim: Room["claims"] extends Map<string, infer C> ? C : never;
}

/** Clock probes sent fast after joining, before settling to the steady interval. */
const WARMUP = { probes: 32, every: 40 };
/** Plain-text clients only need their round trip, not an offset: a few ping frames will do. */
const PLAIN_WARMUP = { probes: 4, every: 250 };
/** Most steady-state clock probes per second, across all players. */
const PROBE_BUDGET = 1000;
/** Fairness records a room keeps in memory for download. */
const RECORDS_KEPT = 10_000;
/** How often the hub looks for probes that are due, in ms. */
const TICK = 100;

/** Rooms, players and the websocket handlers that run them. */
export class Hub {
  readonly rooms = new Map<string, Room>();
  private server: Server<Conn> | null = null;
  private readonly sockets = new Map<string, Socket>();
  private readonly timers = new Map<string, unknown>();
  private readonly publishes = new Set<string>();
  private readonly inboxes = new Map<string, Inbox[]>();
  private readonly addresses = new Map<string, AddressLimits>();
  private probeSeq = 0;
  private tickTimer: unknown = null;
  private readonly newId: () => string;
  private readonly joinRate: Rate;

  constructor(private readonly opts: HubOptions) {
    this.newId = opts.newId ?? (() => crypto.randomUUID().replaceAll("-", ""));
    this.joinRate = opts.joinsPerAddress ?? JOINS_PER_ADDRESS;
    for (const room of opts.rooms?.values() ?? []) this.rooms.set(room.code, room);
    const main = this.rooms.get(DEFAULT_ROOM);
    if (main) main.secret = opts.secret;
    else this.rooms.set(DEFAULT_ROOM, newRoom(DEFAULT_ROOM, opts.secret, "open"));
  }

  /** Connects the hub to its server (for pub/sub) and starts probing clocks. */
  attach(server: Server<Conn>): void {
    this.server = server;
    let ticks = 0;
    const tick = () => {
      this.probeDue();
      if (++ticks % 100 === 0) this.pruneAddresses(this.opts.clock.now());
      this.tickTimer = this.opts.clock.after(TICK, tick);
    };
    this.tickTimer = this.opts.clock.after(TICK, tick);
  }

  /** Stops the hub's timers. */
  detach(): void {
    this.opts.clock.cancel(this.tickTimer);
    for (const t of this.timers.values()) this.opts.clock.cancel(t);
    this.timers.clear();
  }

  /** Upgrades a request to a buzzer connection: 403 for a foreign Origin, 404 for plain HTTP. */
  readonly fetch = (req: Request, server: Server<Conn>): Response | undefined => {
    if (!sameOrigin(req)) {
      this.opts.log?.(`Refused a WebSocket from origin ${req.headers.get("origin")}`);
      return new Response("Forbidden: WebSocket from a foreign origin\n", { status: 403 });
    }
    if (server.upgrade(req, { data: this.newConn() })) return undefined;
    return new Response("Not found\n", { status: 404 });
  };

  /** Fresh per-connection state for server.upgrade. */
  newConn(): Conn {
    return {
      mode: "new",
      room: null,
      player: null,
      host: false,
      bucket: fullBucket(this.opts.clock.now()),
      badSecrets: 0,
      probes: new Map(),
      rateWarnedAt: -Infinity,
    };
  }

  /** The Bun websocket handlers. */
  readonly websocket: WebSocketHandler<Conn> = {
    maxPayloadLength: LIMITS.message,
    // A client that stops reading is closed once 1 MiB waits for it, rather than grow memory for good.
    backpressureLimit: LIMITS.backlog,
    closeOnBackpressureLimit: true,
    // Decided synchronously: Bun does not await async handlers in order, and order is the point.
    message: (ws, data) => this.onMessage(ws, data),
    close: (ws, code, reason) => this.onClose(ws, code, reason),
    pong: (ws, data) => this.onPingFrame(ws, data),
  };

  /** Host actions from the server's own terminal, on the default room. */
  hostKey(action: "arm" | "countdown" | "lock" | "reset"): void {
    const room = this.rooms.get(DEFAULT_ROOM) as Room;
    if (action === "countdown") this.hostAction(room, { type: "arm", countdown: 3000 });
    else this.hostAction(room, { type: action });
  }

  private onMessage(ws: Socket, data: string | Buffer): void {
    const now = this.opts.clock.now();
    if (typeof data !== "string") {
      this.opts.log?.(`Closed a client: ${Close.UNSUPPORTED_DATA} binary frames are not supported`);
      return ws.close(Close.UNSUPPORTED_DATA, "binary frames are not supported");
    }
    // Hosts hold the room's secret and may script a game quickly; everyone else is rate-limited.
    if (!ws.data.host) {
      const { bucket, allowed } = take(ws.data.bucket, now);
      ws.data.bucket = bucket;
      if (!allowed) return this.refuseFlood(ws, now);
    }
    if (ws.data.mode !== "json" && data.trim() === PLAIN_BUZZ) return this.plainBuzz(ws, now);
    if (ws.data.mode === "plain") return void ws.send(`error: send "${PLAIN_BUZZ}" to buzz`);
    const parsed = parseClient(data);
    if (!parsed.ok) return this.error(ws, parsed.code, parsed.message);
    this.dispatch(ws, parsed.msg, now);
  }

  private dispatch(ws: Socket, msg: ClientMessage, now: number): void {
    if (msg.type === "join") return this.join(ws, msg, now);
    const room = ws.data.room ? this.rooms.get(ws.data.room) : undefined;
    if (!room) return this.error(ws, "NOT_JOINED", "join a room first");
    switch (msg.type) {
      case "buzz":
        return this.buzz(ws, room, msg.at ?? null, now);
      case "pong":
        return this.clockAnswer(ws, room, msg.id, msg.t, now);
      case "arm":
      case "lock":
      case "reset":
      case "kick":
      case "log":
        if (!ws.data.host) return this.error(ws, "NOT_HOST", "host actions need the room's secret");
        return this.hostAction(room, msg, ws);
    }
  }

  private join(ws: Socket, msg: Extract<ClientMessage, { type: "join" }>, now: number): void {
    if (ws.data.room) return this.error(ws, "ALREADY_JOINED", "this connection has already joined");
    const code = msg.room ? checkRoom(msg.room) : { ok: true as const, msg: DEFAULT_ROOM };
    if (!code.ok) return this.error(ws, code.code, code.message);
    let room = this.rooms.get(code.msg);
    if (msg.secret !== undefined) {
      if (!room) {
        if (this.rooms.size >= this.opts.maxRooms)
          return this.error(ws, "TOO_MANY_ROOMS", "no more rooms can be opened");
        if (msg.secret.length < 4)
          return this.error(ws, "BAD_SECRET", "a new room's secret needs at least 4 characters");
        room = newRoom(code.msg, msg.secret);
        this.rooms.set(code.msg, room);
        this.opts.journal?.([{ e: "room", room: room.code, secret: room.secret }, roundEntry(room)]);
        this.opts.log?.(`Room ${room.code} opened`);
      } else {
        const limits = this.address(ws, now);
        // Checked before the secret, so a guesser past the limit learns nothing from trying.
        if (tokensAt(limits.secrets, now, SECRETS_PER_ADDRESS) < 1) {
          return this.error(ws, "RATE_LIMITED", "too many wrong secrets from your address: wait a minute");
        }
        if (!sameSecret(msg.secret, room.secret) && !sameSecret(msg.secret, this.opts.secret)) {
          limits.secrets = take(limits.secrets, now, SECRETS_PER_ADDRESS).bucket;
          ws.data.badSecrets++;
          if (ws.data.badSecrets >= 5) return ws.close(Close.POLICY, "too many wrong secrets");
          return this.error(ws, "BAD_SECRET", `wrong host secret for room ${room.code}`);
        }
      }
      return this.enter(ws, room, null, true);
    }
    if (!room) return this.error(ws, "NO_SUCH_ROOM", `no room ${code.msg} (a host opens it first)`);
    if (msg.watch) return this.enter(ws, room, null, false);
    const name = msg.name !== undefined ? checkName(msg.name) : null;
    if (name && !name.ok) return this.error(ws, name.code, name.message);
    const known = msg.token ? room.players.get(room.tokens.get(msg.token) ?? "") : undefined;
    if (known) return this.enter(ws, room, known, false);
    if (msg.token !== undefined && !/^[0-9a-f]{32}$/.test(msg.token)) {
      return this.error(ws, "BAD_TOKEN", "resume token must be 32 hex digits");
    }
    if (!this.admit(ws, now)) {
      return this.error(ws, "RATE_LIMITED", "too many players joined from your address: try again shortly");
    }
    // An unknown well-formed token (e.g. after a server restart) is adopted: the player keeps it.
    const player = newPlayer(
      this.newId().slice(0, 8),
      uniqueName(room, name?.msg ?? `Player ${++room.anonymous}`),
      msg.token ?? this.newId(),
      false,
      now,
    );
    this.addPlayer(room, player);
    this.opts.log?.(`${this.prefix(room)}${player.name} joined`);
    this.enter(ws, room, player, false);
  }

  private enter(ws: Socket, room: Room, player: Player | null, host: boolean): void {
    ws.data.mode = "json";
    ws.data.room = room.code;
    ws.data.host = host;
    if (player) {
      const previous = this.sockets.get(player.id);
      if (previous && previous !== ws) {
        previous.data.player = null;
        previous.close(Close.REPLACED, "resumed on another connection");
      }
      player.connected = true;
      player.nextProbeAt = this.opts.clock.now();
      ws.data.player = player.id;
      this.sockets.set(player.id, ws);
    }
    ws.subscribe(topic(room.code));
    this.send(ws, {
      type: "welcome",
      id: player?.id ?? (host ? "host" : "viewer"),
      name: player?.name ?? (host ? "host" : "viewer"),
      room: room.code,
      token: player?.token ?? "",
      host,
    });
    this.send(ws, { type: "state", ...roomView(room, this.opts.clock.now()) });
    const placed = player && room.round.placed.find((p) => p.player === player.id);
    if (placed) this.sendVerdict(room, placed, 1);
    if (player) this.schedulePublish(room);
  }

  private addPlayer(room: Room, player: Player): void {
    const { id, name, token, plain } = player;
    this.opts.journal?.([{ e: "player", room: room.code, id, name, token, plain }]);
    room.players.set(id, player);
    if (token) room.tokens.set(token, id);
  }

  private plainBuzz(ws: Socket, now: number): void {
    const room = this.rooms.get(DEFAULT_ROOM) as Room;
    if (ws.data.mode === "new") {
      // Every new plain-text connection is a new player, so a client that reconnects in a loop
      // meets the same per-address limit as JSON joins.
      if (!this.admit(ws, now)) {
        return void ws.send("error: too many players joined from your address: try again shortly");
      }
      ws.data.mode = "plain";
      ws.data.room = room.code;
      // No resume token: the original protocol has no way to present one.
      const player = newPlayer(this.newId().slice(0, 8), `Player ${++room.anonymous}`, "", true, now);
      // The first ping waits a moment, so a burst of new clients is answered before it is measured.
      player.nextProbeAt = now + PLAIN_WARMUP.every;
      this.addPlayer(room, player);
      ws.data.player = player.id;
      this.sockets.set(player.id, ws);
      this.opts.log?.(`${player.name} joined (plain text)`);
      this.schedulePublish(room);
    }
    this.buzz(ws, room, null, now);
  }

  private buzz(ws: Socket, room: Room, at: number | null, now: number): void {
    const player = ws.data.player ? room.players.get(ws.data.player) : undefined;
    if (!player) return this.error(ws, "NOT_PLAYER", "hosts and viewers do not buzz");
    // A repeat of a final place, or a locked-out player, is answered at once: nothing can change.
    const known = room.index.get(player.id);
    if (known === "locked") return this.error(ws, "LOCKED_OUT", "you are locked out of this round");
    if (typeof known === "object") return this.sendVerdict(room, known, 1);
    const est = player.est;
    const mapped = at !== null && est ? toServerTime(player.clock, at) : null;
    const bounded = boundPress(now, mapped, linkOf(player));
    const claim = {
      room: room.code,
      round: room.round.number,
      player: player.id,
      name: player.name,
      arrival: now,
      claimed: at,
      mapped,
      offset: est?.offset ?? null,
      rtt: est?.rtt ?? null,
      jitter: est?.jitter ?? null,
      bound: bounded.bound,
      allowance: now - bounded.lower,
    };
    const input = { player: player.id, press: bounded.press, arrival: now, uncertainty: bounded.uncertainty };
    // Buzzes that arrive together are decided together, right after this turn of the event loop:
    // the press times are fixed already, and one pass over a burst beats one pass per buzz.
    let inbox = this.inboxes.get(room.code);
    if (!inbox) {
      inbox = [];
      this.inboxes.set(room.code, inbox);
      this.opts.clock.soon(() => this.flush(room));
    }
    inbox.push({ ws, player, input, claim });
  }

  /** Decides the buzzes waiting in a room's inbox, then places what can be placed. */
  private flush(room: Room): void {
    const inbox = this.inboxes.get(room.code);
    if (!inbox) return;
    this.inboxes.delete(room.code);
    if (inbox.length === 0) return this.settle(room);
    const standing = (id: string): rules.Standing => {
      const known = room.index.get(id);
      return typeof known === "object" ? "placed" : known;
    };
    const { round, outcomes } = rules.buzzAll(
      room.round,
      inbox.map((b) => b.input),
      standing,
    );
    if (round.lockedOut !== room.round.lockedOut) this.opts.journal?.([roundEntry({ ...room, round })]);
    room.round = round;
    for (const [i, outcome] of outcomes.entries()) {
      const { ws, player, claim } = inbox[i] as Inbox;
      if (outcome.ok) {
        if (outcome.repeat === null) {
          room.claims.set(player.id, claim);
          room.index.set(player.id, "pending");
        } else if (outcome.repeat !== "pending") this.sendVerdict(room, outcome.repeat, 1);
      } else if (outcome.code === "LOCKED_OUT") {
        this.error(ws, "LOCKED_OUT", "you are locked out of this round");
      } else {
        room.index.set(player.id, "locked");
        this.opts.log?.(
          `${this.prefix(room)}${player.name} false start: locked out of round ${round.number}`,
        );
        this.schedulePublish(room);
        this.error(ws, "FALSE_START", "too early: you are locked out of this round");
      }
    }
    this.settle(room);
  }

  /** Settles a room once this turn of the event loop is done, with any buzzes that came in it. */
  private settleSoon(room: Room): void {
    if (this.inboxes.has(room.code)) return;
    this.inboxes.set(room.code, []);
    this.opts.clock.soon(() => this.flush(room));
  }

  /** Places every press that can no longer be preceded, then waits for the rest. */
  private settle(room: Room): void {
    const now = this.opts.clock.now();
    this.opts.clock.cancel(this.timers.get(room.code));
    this.timers.delete(room.code);
    if (room.round.pending.length === 0) return;
    const reach = windowReach(this.openLinks(room), this.opts.maxWait);
    const { round, placed } = rules.settle(room.round, now, now - reach, this.opts.maxWait);
    room.round = round;
    this.announce(room, placed);
    const next = rules.nextSettle(round, reach, this.opts.maxWait);
    if (next !== null) {
      this.timers.set(
        room.code,
        this.opts.clock.after(Math.max(0, next - now), () => this.settle(room)),
      );
    }
  }

  /** The links of players who could still buzz this round: connected, and not in the round yet. */
  private *openLinks(room: Room): Iterable<Link | null> {
    for (const p of room.players.values()) if (p.connected && !room.index.has(p.id)) yield linkOf(p);
  }

  private record(room: Room, p: rules.Placed): void {
    const player = room.players.get(p.player);
    const claim = room.claims.get(p.player);
    room.claims.delete(p.player);
    const gap = p.gap / 1000;
    this.opts.log?.(
      `${this.prefix(room)}${p.place}. ${player?.name ?? p.player}${p.place > 1 ? ` +${gap.toFixed(2)}s` : ""}${p.photo ? " (photo finish)" : ""}`,
    );
    if (!claim) return;
    const record: FairnessRecord = {
      ...claim,
      press: p.press,
      uncertainty: p.uncertainty,
      place: p.place,
      gap: p.gap,
      photo: p.photo,
    };
    room.records.push(record);
    // A long game keeps the latest records in memory (all of them go to --fairness-log).
    if (room.records.length > 2 * RECORDS_KEPT) room.records.splice(0, room.records.length - RECORDS_KEPT);
    this.opts.onRecord?.(record);
  }

  private sendVerdict(room: Room, p: rules.Placed, times: number): void {
    const ws = this.sockets.get(p.player);
    if (!ws) return;
    // Whole milliseconds: finer digits would only report noise.
    const gap = Math.round(p.gap) / 1000;
    const text = verdictText(p.place, gap);
    const msg =
      ws.data.mode === "plain"
        ? text
        : encode({ type: "verdict", round: room.round.number, place: p.place, gap, photo: p.photo, text });
    for (let i = 0; i < times; i++) ws.send(msg);
  }

  private hostAction(room: Room, msg: ClientMessage, ws?: Socket): void {
    // Buzzes that arrived before this action are decided under the round they arrived in.
    this.flush(room);
    const now = this.opts.clock.now();
    const before = room.round;
    switch (msg.type) {
      case "arm":
        room.round = rules.arm(room.round, now, msg.countdown ?? 0);
        if (room.round.phase === "armed") this.scheduleRelease(room);
        break;
      case "lock":
        room.round = rules.lock(room.round);
        break;
      case "reset":
        this.opts.clock.cancel(this.timers.get(room.code));
        this.timers.delete(room.code);
        // Presses still in their decision window are placed before the round is cleared.
        this.settleNow(room);
        // The round's final order goes out before the round is cleared, even if a publish was pending.
        if (room.round.placed.length) this.publishNow(room);
        room.round = rules.reset(room.round);
        room.claims.clear();
        room.index.clear();
        for (const p of room.players.values()) if (p.plain && !p.connected) forget(room, p);
        break;
      case "kick":
        return this.kick(room, msg.player, ws);
      case "log":
        if (ws)
          this.send(ws, {
            type: "log",
            format: msg.format ?? "jsonl",
            data: formatRecords(room.records, msg.format ?? "jsonl"),
          });
        return;
    }
    if (room.round !== before) {
      this.opts.journal?.([roundEntry(room)]);
      const r = room.round;
      const when =
        r.phase === "armed" && r.releaseAt !== null
          ? `, opens in ${((r.releaseAt - now) / 1000).toFixed(1)}s`
          : "";
      this.opts.log?.(`${this.prefix(room)}Round ${r.number}: ${r.phase}${when}`);
    }
    this.publishNow(room);
  }

  private settleNow(room: Room): void {
    const { round, placed } = rules.settle(room.round, Infinity, Infinity, 0);
    room.round = round;
    this.announce(room, placed);
  }

  /** Journals newly placed presses, then tells their players and logs them. */
  private announce(room: Room, placed: rules.Placed[]): void {
    if (!placed.length) return;
    // Written before any verdict goes out: a verdict a player has seen survives a restart.
    this.opts.journal?.([{ e: "placed", room: room.code, round: room.round.number, presses: placed }]);
    for (const p of placed) {
      room.index.set(p.player, p);
      this.sendVerdict(room, p, p.asks);
      this.record(room, p);
    }
    this.schedulePublish(room);
  }

  private scheduleRelease(room: Room): void {
    const { round } = room;
    const releaseAt = round.releaseAt as number;
    const now = this.opts.clock.now();
    // Each player gets the release time on its own clock, so GO shows at the same moment everywhere.
    for (const player of room.players.values()) {
      const ws = this.sockets.get(player.id);
      if (ws?.data.mode !== "json") continue;
      const est = player.est;
      const at = est ? releaseAt + est.offset : undefined;
      this.send(ws, {
        type: "release",
        round: round.number,
        countdown: Math.round(releaseAt - now),
        ...(at !== undefined ? { at } : {}),
      });
    }
    this.opts.clock.after(releaseAt - now, () => {
      if (room.round.number !== round.number) return;
      // Timers may fire a hair early against performance.now(): the release time itself is the rule.
      const opened = rules.release(room.round, Math.max(this.opts.clock.now(), releaseAt));
      if (opened === room.round) return;
      room.round = opened;
      this.opts.journal?.([roundEntry(room)]);
      this.opts.log?.(`${this.prefix(room)}Round ${opened.number}: open`);
      this.publishNow(room);
    });
  }

  private kick(room: Room, id: string, host?: Socket): void {
    const player = room.players.get(id);
    if (!player) {
      if (host) this.error(host, "NO_SUCH_PLAYER", `no player ${id} in room ${room.code}`);
      return;
    }
    this.opts.journal?.([{ e: "kick", room: room.code, id }]);
    room.players.delete(id);
    room.tokens.delete(player.token);
    const ws = this.sockets.get(id);
    this.sockets.delete(id);
    if (ws) {
      ws.data.player = null;
      ws.close(Close.KICKED, "removed by the host");
    }
    this.opts.log?.(`${this.prefix(room)}${player.name} was kicked`);
    this.settle(room);
    this.publishNow(room);
  }

  private onClose(ws: Socket, code: number, reason: string): void {
    const line = closeLine(ws.data.player ? `player ${ws.data.player}` : "a client", code, reason);
    if (line) this.opts.log?.(line);
    const room = ws.data.room ? this.rooms.get(ws.data.room) : undefined;
    const player = room && ws.data.player ? room.players.get(ws.data.player) : undefined;
    if (!room || !player || this.sockets.get(player.id) !== ws) return;
    this.sockets.delete(player.id);
    player.connected = false;
    this.opts.log?.(`${this.prefix(room)}${player.name} disconnected`);
    // A JSON player stays, so a resume keeps identity; a plain-text one can never come back, and
    // stays only while it has a press in the round.
    if (player.plain && !room.index.has(player.id)) forget(room, player);
    // One fewer player who could still buzz: the decision window may close sooner. Settled once
    // per turn of the event loop, so a thousand clients leaving together cost one pass, not a thousand.
    if (room.round.pending.length > 0) this.settleSoon(room);
    this.schedulePublish(room);
  }

  /** The join and secret limits of a connection's address, created on first use. */
  private address(ws: Socket, now: number): AddressLimits {
    let limits = this.addresses.get(ws.remoteAddress);
    if (!limits) {
      limits = { joins: fullBucket(now, this.joinRate), secrets: fullBucket(now, SECRETS_PER_ADDRESS) };
      this.addresses.set(ws.remoteAddress, limits);
    }
    return limits;
  }

  /** Takes one join from the address's allowance; false when it is spent. */
  private admit(ws: Socket, now: number): boolean {
    const limits = this.address(ws, now);
    const joins = take(limits.joins, now, this.joinRate);
    limits.joins = joins.bucket;
    return joins.allowed;
  }

  /** Forgets addresses whose limits have refilled, so the table does not grow for good. */
  private pruneAddresses(now: number): void {
    for (const [address, limits] of this.addresses) {
      if (isFull(limits.joins, now, this.joinRate) && isFull(limits.secrets, now, SECRETS_PER_ADDRESS)) {
        this.addresses.delete(address);
      }
    }
  }

  private probeDue(): void {
    const now = this.opts.clock.now();
    for (const room of this.rooms.values()) {
      for (const player of room.players.values()) {
        if (!player.connected || now < player.nextProbeAt) continue;
        const ws = this.sockets.get(player.id);
        if (!ws) continue;
        if (player.plain) this.probePlain(ws, player, now);
        else this.probeJson(ws, player, now);
      }
    }
  }

  private nextProbe(player: Player, now: number): void {
    player.probes++;
    const warmup = player.plain ? PLAIN_WARMUP : WARMUP;
    // Steady probes share a budget: with many players each is probed less often, so probing
    // never costs the server more than PROBE_BUDGET messages a second (drift is fitted meanwhile).
    const steady = Math.max(this.opts.probeEvery, (this.sockets.size * 1000) / PROBE_BUDGET);
    player.nextProbeAt = now + (player.probes < warmup.probes ? warmup.every : steady);
  }

  private probeJson(ws: Socket, player: Player, now: number): void {
    const id = ++this.probeSeq;
    // Unanswered probes are dropped after a few: a client that never answers leaks nothing.
    if (ws.data.probes.size >= 4) ws.data.probes.clear();
    ws.data.probes.set(id, now);
    this.send(ws, { type: "ping", id });
    this.nextProbe(player, now);
  }

  private probePlain(ws: Socket, player: Player, now: number): void {
    const buf = new ArrayBuffer(8);
    new DataView(buf).setFloat64(0, now);
    ws.ping(new Uint8Array(buf));
    this.nextProbe(player, now);
  }

  private clockAnswer(ws: Socket, room: Room, id: number, t: number, now: number): void {
    const t0 = ws.data.probes.get(id);
    const player = ws.data.player ? room.players.get(ws.data.player) : undefined;
    if (t0 === undefined || !player) return;
    ws.data.probes.delete(id);
    observe(player, { t0, tc: t, t1: now });
  }

  private onPingFrame(ws: Socket, data: Buffer): void {
    const room = ws.data.room ? this.rooms.get(ws.data.room) : undefined;
    const player = room && ws.data.player ? room.players.get(ws.data.player) : undefined;
    if (!player || data.byteLength !== 8) return;
    const t0 = new DataView(data.buffer, data.byteOffset, 8).getFloat64(0);
    const t1 = this.opts.clock.now();
    // Plain clients have no clock to read: only the round trip counts, so the offset is zero.
    observe(player, { t0, tc: (t0 + t1) / 2, t1 });
  }

  private refuseFlood(ws: Socket, now: number): void {
    if (ws.data.bucket.refused >= RATE.closeAfter) {
      this.opts.log?.(`Closed a client: ${Close.FLOOD} too many messages`);
      // A flooder that reconnects starts with its address's join allowance spent.
      this.address(ws, now).joins = { tokens: 0, at: now, refused: 0 };
      return ws.close(Close.FLOOD, "too many messages");
    }
    if (now - ws.data.rateWarnedAt < 1000) return;
    ws.data.rateWarnedAt = now;
    this.error(ws, "RATE_LIMITED", `slow down: at most ${RATE.perSecond} messages per second`);
  }

  private error(ws: Socket, code: ErrorCode, message: string): void {
    this.opts.log?.(
      `Refused ${ws.data.player ? `player ${ws.data.player}` : "a client"}: ${code} ${message}`,
    );
    if (ws.data.mode === "plain") ws.send(`error: ${message}`);
    else this.send(ws, { type: "error", code, message });
  }

  private send(ws: Socket, msg: ServerMessage): void {
    ws.send(encode(msg));
  }

  /** Publishes a room's state soon, coalescing bursts of changes into one message. */
  private schedulePublish(room: Room): void {
    if (this.publishes.has(room.code)) return;
    this.publishes.add(room.code);
    this.opts.clock.after(20, () => this.publishNow(room));
  }

  private publishNow(room: Room): void {
    this.publishes.delete(room.code);
    this.server?.publish(
      topic(room.code),
      encode({ type: "state", ...roomView(room, this.opts.clock.now()) }),
    );
  }

  private prefix(room: Room): string {
    return room.code === DEFAULT_ROOM ? "" : `[${room.code}] `;
  }
}

function topic(room: string): string {
  return `room:${room}`;
}
