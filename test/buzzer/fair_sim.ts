/**
 * The fairness harness's games (bench/fairness/game.ts) played in fake time: the real gateway and
 * owner (embedded.ts) on a FakeClock, behind fake sockets and simulated links. Each link delays
 * every message, ping frame and pong by its one-way delay plus seeded jitter, in order per
 * direction as TCP keeps it; each player's clock is hours off and drifts. True press time is the
 * fake time of the press, and no timer of the machine is involved, so how busy the machine is
 * cannot change a single figure.
 */
import type { Server } from "bun";
import { type GameOptions, harnessBuzzer, type PressResult } from "../../bench/fairness/game.ts";
import { seeded } from "../../bench/fairness/random.ts";
import { MARGIN, MAX_COMPENSATION } from "../../buzzer/fair.ts";
import type { Conn, Gateway, Socket } from "../../buzzer/gateway/gateway.ts";
import { encode, parseServer } from "../../buzzer/parse.ts";
import type { ClientMessage } from "../../buzzer/protocol.ts";
import type { FairnessRecord } from "../../buzzer/room/records.ts";
import { FakeClock } from "../fake_clock.ts";

/** Where fake time starts, in ms. */
const START = 1_000_000;
/** The secret the simulated hosts open their rooms with. */
const ROOM_SECRET = "harness-room";
/** The longest a round may take to place every press before the simulation gives up, in fake ms. */
const ROUND_LIMIT = 10_000;

/** One direction of a link: each trip takes the delay plus uniform jitter, never overtaking the one ahead. */
class Lane {
  private last = -Infinity;
  constructor(
    private readonly clock: FakeClock,
    private readonly delay: number,
    private readonly jitter: number,
    private readonly rand: () => number,
  ) {}

  /** Runs `arrive` when what is sent now reaches the other end. */
  carry(arrive: () => void): void {
    const now = this.clock.now();
    const trip = Math.max(0, this.delay + (this.rand() * 2 - 1) * this.jitter);
    this.last = Math.max(this.last, now + trip);
    this.clock.after(this.last - now, arrive);
  }
}

/** A link's shape: one-way delays and jitter in ms, and the client's clock (true time × (1 + drift) + offset). */
interface LinkShape {
  up: number;
  down: number;
  jitter: number;
  seed: number;
  offset: number;
  drift: number;
}

/**
 * A simulated JSON client and its server-side socket: what the gateway sends it arrives after the
 * downlink's delay, what it sends reaches the gateway's handlers after the uplink's. It answers
 * JSON pings with its own clock's reading, and ping frames with their payload, as a browser does.
 */
class SimClient {
  readonly topics = new Set<string>();
  private readonly up: Lane;
  private readonly down: Lane;

  constructor(
    private readonly clock: FakeClock,
    private readonly handlers: Gateway["websocket"],
    readonly data: Conn,
    readonly name: string,
    private readonly shape: LinkShape,
  ) {
    const rand = seeded(shape.seed);
    this.up = new Lane(clock, shape.up, shape.jitter, rand);
    this.down = new Lane(clock, shape.down, shape.jitter, rand);
  }

  /** The gateway's view of this connection. */
  get ws(): Socket {
    return this as unknown as Socket;
  }

  /** This client's clock reading now. */
  now(): number {
    return this.clock.now() * (1 + this.shape.drift) + this.shape.offset;
  }

  /** Sends a message up the link to the gateway. */
  sendUp(msg: ClientMessage): void {
    const text = encode(msg);
    this.up.carry(() => this.handlers.message?.(this.ws, text));
  }

  // What the gateway calls on its socket. Only pings need an answer: places are read from the records.
  send(message: string): number {
    this.down.carry(() => {
      const msg = parseServer(message);
      if (msg?.type === "ping") this.sendUp({ type: "pong", id: msg.id, t: this.now() });
    });
    return message.length;
  }
  ping(data: Uint8Array): number {
    const payload = Buffer.from(data);
    this.down.carry(() => this.up.carry(() => this.handlers.pong?.(this.ws, payload)));
    return data.byteLength;
  }
  subscribe(topic: string): void {
    this.topics.add(topic);
  }
  // The simulation closes nothing, and no player here floods or is kicked.
  close(): void {}
}

/** Plays the games of `o` in fake time and returns every press with its fairness record. */
export function simulate(o: GameOptions): PressResult[] {
  const clock = new FakeClock(START);
  const records: FairnessRecord[] = [];
  let ids = 0;
  const buzzer = harnessBuzzer(clock, records, o.maxWait ?? 500, () =>
    (++ids).toString(16).padStart(8, "0").repeat(4),
  );
  const handlers = buzzer.gateway.websocket;
  const clients: SimClient[] = [];
  let upgraded: Conn | null = null;
  const server = {
    upgrade: (_req: Request, u: { data: Conn }) => {
      upgraded = u.data;
      return true;
    },
    publish: (topic: string, data: string) => {
      for (const c of clients) if (c.topics.has(topic)) c.send(data);
      return data.length;
    },
    requestIP: () => ({ address: "10.0.0.1", family: "IPv4", port: 50000 }),
  } as unknown as Server<Conn>;
  buzzer.attach(server, new Set());

  /** Opens a connection as Bun would (upgrade, then open) and joins `room` on it. */
  const connect = (room: string, name: string, shape: LinkShape, secret?: string) => {
    const request = new Request("http://localhost:3000/", {
      headers: { host: "localhost:3000", upgrade: "websocket", connection: "Upgrade" },
    });
    if (buzzer.gateway.fetch(request, server) || !upgraded) throw new Error(`${name}: the gateway refused`);
    const client = new SimClient(clock, handlers, upgraded, name, shape);
    upgraded = null;
    clients.push(client);
    handlers.open?.(client.ws);
    client.sendUp({ type: "join", room, ...(secret ? { secret } : { name }) });
    return client;
  };

  // One generator per room, seeded up front and drawn in the harness's order: the same shape of game.
  const root = seeded(o.seed ?? 1);
  const seeds = Array.from({ length: o.rooms }, () => Math.floor(root() * 2 ** 32));
  const loopback = { up: 0, down: 0, jitter: 0, seed: 1, offset: 0, drift: 0 };
  const rooms = seeds.map((seed, r) => {
    const code = `F${r}`;
    const rand = seeded(seed);
    const host = connect(code, "host", loopback, ROOM_SECRET);
    clock.advance(0);
    const players = Array.from({ length: o.players }, (_, i) => {
      const rtt = rand() * o.rttMax;
      const asym = o.asymmetry ?? 0;
      const up = rtt / 2 + asym / 2;
      const shape = {
        up,
        down: Math.max(0, rtt / 2 - asym / 2),
        jitter: o.jitter,
        seed: Math.floor(rand() * 1e9),
        drift: (rand() * 2 - 1) * (o.drift ?? 1e-4),
        offset: (1 + rand() * 9) * 3_600_000 * (rand() < 0.5 ? -1 : 1) + 40_000_000,
      };
      const client = connect(code, `P${r}-${i}`, shape);
      return { client, rtt, up, forged: i < (o.forgers ?? 0) };
    });
    return { code, rand, host, players };
  });
  clock.advance(o.warmup ?? 1500);

  const results: PressResult[] = [];
  for (let round = 2; round <= o.rounds + 1; round++) {
    const pressed: { room: string; p: (typeof rooms)[number]["players"][number]; at: number }[] = [];
    for (const { code, rand, host, players } of rooms) {
      host.sendUp({ type: "reset" });
      host.sendUp({ type: "arm" });
      clock.advance(0);
      const state = buzzer.owner.rooms.get(code)?.round;
      if (state?.number !== round || state.phase !== "open")
        throw new Error(`${code}: round ${round} is not open`);
      const order = players.map((p) => ({ p, key: rand() })).sort((a, b) => a.key - b.key);
      // A forged press may be placed up to the compensation cap before it arrived: presses start that
      // much after the open, so a forger is judged on what it gains, never locked out as a false start.
      const lead = o.forgers ? MAX_COMPENSATION + MARGIN : 0;
      let at = clock.now() + lead + 30 + rand() * 50;
      for (const { p } of order) {
        const forge = p.forged ? 1000 : 0;
        clock.after(at - clock.now(), () => p.client.sendUp({ type: "buzz", at: p.client.now() - forge }));
        pressed.push({ room: code, p, at });
        at += (o.minGap ?? 10) + rand() * ((o.maxGap ?? 150) - (o.minGap ?? 10));
      }
    }
    const recordOf = ({ room, p }: (typeof pressed)[number]) =>
      records.find((x) => x.room === room && x.round === round && x.name === p.client.name);
    for (let waited = 0; !pressed.every(recordOf); waited += 50) {
      if (waited > ROUND_LIMIT) throw new Error(`round ${round}: not every press was placed`);
      clock.advance(50);
    }
    for (const press of pressed) {
      const { room, p, at } = press;
      const record = recordOf(press) as FairnessRecord;
      results.push({
        room,
        round,
        player: p.client.name,
        rtt: p.rtt,
        up: p.up,
        forged: p.forged,
        truePress: at,
        record,
      });
    }
  }
  buzzer.detach();
  return results;
}

/**
 * The rounds whose messages must reach the server out of press order whatever the jitter: a later
 * presser's slowest possible arrival still beats the first presser's fastest.
 */
export function outOfOrderRounds(results: PressResult[], jitter: number): PressResult[][] {
  const rounds = [...Map.groupBy(results, (r) => `${r.room}/${r.round}`).values()];
  return rounds.filter((presses) => {
    const [first, ...rest] = [...presses].sort((a, b) => a.truePress - b.truePress);
    if (!first) return false;
    const earliest = first.truePress + first.up - jitter;
    return rest.some((p) => p.truePress + p.up + jitter < earliest);
  });
}

/** The press a key puts first in a round. */
export const firstBy = (presses: PressResult[], key: (r: PressResult) => number) =>
  [...presses].sort((a, b) => key(a) - key(b))[0];
