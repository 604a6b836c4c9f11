/**
 * The fairness harness: an in-process buzzer server, a latency proxy in front of it, and simulated
 * players whose clocks are offset by hours and drift, pressing at scripted true times. True time is
 * the server's own performance.now(): the server, proxy and players share one process.
 */
import type { Server } from "bun";
import { embedded } from "../../buzzer/embedded.ts";
import { MARGIN, MAX_COMPENSATION } from "../../buzzer/fair.ts";
import type { Conn } from "../../buzzer/gateway/gateway.ts";
import { encode, parseServer } from "../../buzzer/parse.ts";
import type { ServerMessage } from "../../buzzer/protocol.ts";
import type { FairnessRecord } from "../../buzzer/room/records.ts";
import { type Clock, systemClock } from "../../buzzer/time.ts";
import { allowedHosts } from "../../buzzer/web.ts";
import { startCluster } from "./cluster.ts";
import { linkQuery, startProxy } from "./proxy.ts";
import { seeded } from "./random.ts";

/** The shape of a simulated game. */
export interface GameOptions {
  rooms: number;
  rounds: number;
  players: number;
  /** Round trips are drawn uniformly from 0 to this, in ms. */
  rttMax: number;
  /** Uniform jitter on each one-way trip, ± ms. */
  jitter: number;
  /** Extra uplink delay over downlink, in ms (what no clock sync can see). */
  asymmetry?: number;
  /** Presses in a round are at least this far apart, in ms. */
  minGap?: number;
  maxGap?: number;
  /** Clock drift magnitude (100 ppm = 1e-4). */
  drift?: number;
  /** Players per room who claim their press 1 s earlier than it was. */
  forgers?: number;
  seed?: number;
  maxWait?: number;
  /** Warm-up before the first round, so clocks are synced (ms). */
  warmup?: number;
  /** Play across this many server processes sharing rooms through Redis (the players spread over them). */
  processes?: number;
}

/** One simulated press and how the server placed it. */
export interface PressResult {
  room: string;
  round: number;
  player: string;
  rtt: number;
  /** The link's one-way delay from player to server before jitter, in ms. */
  up: number;
  forged: boolean;
  truePress: number;
  record: FairnessRecord;
}

/** The secret the harness's hosts open their rooms with (a new room's secret has at least 8 characters). */
const ROOM_SECRET = "harness-room";

/** The embedded buzzer as the harness uses it: one URL, its records, a stop. */
function embeddedBuzzer(maxWait?: number) {
  const one = startBuzzer(maxWait);
  return { urls: [one.url], records: () => one.records, stop: async () => one.stop() };
}

/** The uneven games the bench and the tests play: round trips 0–300 ms, ±20 ms jitter each way, clocks hours apart drifting 100 ppm. */
export const UNEVEN: GameOptions = {
  rooms: 10,
  rounds: 10,
  players: 4,
  rttMax: 300,
  jitter: 20,
  drift: 1e-4,
  minGap: 10,
  seed: 7,
};

/** The embedded buzzer as the harness runs it, on `clock`, its fairness records pushed to `records`. */
export function harnessBuzzer(
  clock: Clock,
  records: FairnessRecord[],
  maxWait = 500,
  newId = () => crypto.randomUUID().replaceAll("-", ""),
) {
  return embedded(
    {
      settings: {
        maxWait,
        mainSecret: "harness-secret",
        logging: false,
        newId,
        resumeGrace: 600_000,
        maxCompensation: MAX_COMPENSATION,
      },
      clock,
      maxRooms: 10_000,
      onRecords: (batch) => records.push(...batch),
    },
    {
      probeEvery: 2000,
      joinsPerAddress: { burst: 10_000, perSecond: 5 },
      maxConnections: 10_000,
      connectionsPerAddress: 10_000,
      maxCompensation: MAX_COMPENSATION,
    },
  );
}

/** Starts the embedded buzzer in this process on a free loopback port. */
export function startBuzzer(maxWait = 500) {
  const records: FairnessRecord[] = [];
  const buzzer = harnessBuzzer(systemClock, records, maxWait);
  const server: Server<Conn> = Bun.serve<Conn>({
    hostname: "127.0.0.1",
    port: 0,
    fetch: buzzer.gateway.fetch,
    websocket: buzzer.gateway.websocket,
  });
  buzzer.attach(server, allowedHosts("127.0.0.1", server.port ?? 0));
  return {
    url: `ws://127.0.0.1:${server.port}`,
    records,
    stop() {
      buzzer.detach();
      server.stop(true);
    },
  };
}

/** A simulated JSON client: answers clock probes on its own skewed clock, presses on cue. */
export class SimPlayer {
  readonly ws: WebSocket;
  private listeners = new Set<(msg: ServerMessage) => void>();

  constructor(
    url: string,
    readonly name: string,
    /** Client clock = true time × (1 + drift) + offset. */
    private readonly clock: { offset: number; drift: number },
  ) {
    this.ws = new WebSocket(url);
    this.ws.onmessage = (e) => {
      const msg = parseServer(String(e.data));
      if (!msg) return;
      if (msg.type === "ping") this.ws.send(encode({ type: "pong", id: msg.id, t: this.now() }));
      for (const l of this.listeners) l(msg);
    };
  }

  /** This player's clock reading now. */
  now(at = performance.now()): number {
    return at * (1 + this.clock.drift) + this.clock.offset;
  }

  /** Resolves with the next message of a type that passes `test`. */
  next<T extends ServerMessage["type"]>(
    type: T,
    test: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
  ) {
    return new Promise<Extract<ServerMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${type} in 10 s`)), 10_000);
      const l = (m: ServerMessage) => {
        if (m.type === type && test(m as Extract<ServerMessage, { type: T }>)) {
          clearTimeout(timer);
          this.listeners.delete(l);
          resolve(m as Extract<ServerMessage, { type: T }>);
        }
      };
      this.listeners.add(l);
    });
  }

  /** Joins a room once open; resolves with the welcome. */
  async join(room: string, secret?: string) {
    await new Promise<void>((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error(`${this.name}: cannot connect`));
    });
    const welcome = this.next("welcome");
    this.ws.send(encode({ type: "join", room, ...(secret ? { secret } : { name: this.name }) }));
    return welcome;
  }

  /** Presses at true time `at` (or as soon after as the event loop allows); resolves with the true press time. */
  pressAt(at: number, forge = 0): Promise<number> {
    return new Promise((resolve) => {
      setTimeout(
        () => {
          const now = performance.now();
          this.ws.send(encode({ type: "buzz", at: this.now(now) - forge }));
          resolve(now);
        },
        Math.max(0, at - performance.now()),
      );
    });
  }
}

/** Plays the games and returns every press with its fairness record. */
export async function playGames(o: GameOptions): Promise<PressResult[]> {
  // One generator per room, seeded up front: rooms run concurrently, and a shared one would deal
  // its numbers out in whatever order the rooms happen to reach it, a different game every run.
  const root = seeded(o.seed ?? 1);
  const seeds = Array.from({ length: o.rooms }, () => Math.floor(root() * 2 ** 32));
  const buzzer = o.processes
    ? await startCluster(o.processes, "harness-secret", o.maxWait ?? 500)
    : embeddedBuzzer(o.maxWait);
  const proxies = buzzer.urls.map((url) => startProxy(url));
  // Servers in a cluster stamp times on the wall clock: true presses are read on it too.
  const base = o.processes ? performance.timeOrigin : 0;
  const results: PressResult[] = [];
  const playRoom = async (r: number) => {
    const code = `F${r}`;
    const rand = seeded(seeds[r] as number);
    const host = new SimPlayer(buzzer.urls[r % buzzer.urls.length] as string, "host", {
      offset: 0,
      drift: 0,
    });
    await host.join(code, ROOM_SECRET);
    const players = Array.from({ length: o.players }, (_, i) => {
      const rtt = rand() * o.rttMax;
      const asym = o.asymmetry ?? 0;
      const spec = {
        up: rtt / 2 + asym / 2,
        down: Math.max(0, rtt / 2 - asym / 2),
        jitter: o.jitter,
        seed: Math.floor(rand() * 1e9),
      };
      const drift = (rand() * 2 - 1) * (o.drift ?? 1e-4);
      const offset = (1 + rand() * 9) * 3_600_000 * (rand() < 0.5 ? -1 : 1) + 40_000_000;
      const proxy = proxies[(r + i) % proxies.length] as (typeof proxies)[number];
      const player = new SimPlayer(`${proxy.url}/${linkQuery(spec)}`, `P${r}-${i}`, { offset, drift });
      return { player, rtt, up: spec.up, forged: i < (o.forgers ?? 0) };
    });
    await Promise.all(players.map((p) => p.player.join(code)));
    await Bun.sleep(o.warmup ?? 1500);
    for (let round = 2; round <= o.rounds + 1; round++) {
      host.ws.send(encode({ type: "reset" }));
      const opened = host.next("state", (s) => s.round === round && s.phase === "open");
      host.ws.send(encode({ type: "arm" }));
      await opened;
      const order = players.map((p) => ({ p, key: rand() })).sort((a, b) => a.key - b.key);
      // A forged press may be placed up to the compensation cap before it arrived: presses start that
      // much after the open, so a forger is judged on what it gains, never locked out as a false start.
      const lead = o.forgers ? MAX_COMPENSATION + MARGIN : 0;
      let t = performance.now() + lead + 30 + rand() * 50;
      const presses = order.map(({ p }) => {
        const at = t;
        t += (o.minGap ?? 10) + rand() * ((o.maxGap ?? 150) - (o.minGap ?? 10));
        const verdict = p.player.next("verdict", (v) => v.round === round);
        return Promise.all([p.player.pressAt(at, p.forged ? 1000 : 0), verdict]).then(([truePress]) => ({
          p,
          truePress,
        }));
      });
      for (const { p, truePress } of await Promise.all(presses)) {
        const record = buzzer
          .records()
          .find((x) => x.room === code && x.round === round && x.name === p.player.name);
        if (!record) throw new Error(`no fairness record for ${p.player.name} in round ${round}`);
        results.push({
          room: code,
          round,
          player: p.player.name,
          rtt: p.rtt,
          up: p.up,
          forged: p.forged,
          truePress: truePress + base,
          record,
        });
      }
    }
    for (const p of players) p.player.ws.close();
    host.ws.close();
  };
  try {
    await Promise.all(Array.from({ length: o.rooms }, (_, r) => playRoom(r)));
  } finally {
    for (const proxy of proxies) proxy.stop();
    await buzzer.stop();
  }
  return results;
}

/** Accuracy of one ordering over the games: winners, whole orders, and gap errors. */
export interface Accuracy {
  trials: number;
  winners: number;
  orders: number;
  gapErrors: number[];
}

/** Scores an ordering: `key` gives each press's time under that ordering (press or arrival). */
export function score(results: PressResult[], key: (r: PressResult) => number): Accuracy {
  const rounds = Map.groupBy(results, (r) => `${r.room}/${r.round}`);
  const acc: Accuracy = { trials: 0, winners: 0, orders: 0, gapErrors: [] };
  for (const presses of rounds.values()) {
    const truth = [...presses].sort((a, b) => a.truePress - b.truePress);
    const claimed = [...presses].sort((a, b) => key(a) - key(b));
    acc.trials++;
    if (claimed[0] === truth[0]) acc.winners++;
    if (claimed.every((p, i) => p === truth[i])) acc.orders++;
    const first = truth[0] as PressResult;
    for (const p of truth.slice(1)) {
      acc.gapErrors.push(key(p) - key(first) - (p.truePress - first.truePress));
    }
  }
  return acc;
}

/** The q-quantile of absolute values. */
export function quantileAbs(values: number[], q: number): number {
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/**
 * Time from a press to its `first place!` with every player on loopback, over `rounds` rounds of
 * a room with `players` players of whom one presses; in ms, one figure per round.
 */
export async function loopbackLatency(rounds: number, players = 4): Promise<number[]> {
  const buzzer = startBuzzer();
  const host = new SimPlayer(buzzer.url, "host", { offset: 0, drift: 0 });
  await host.join("LOOP", ROOM_SECRET);
  const sims = Array.from(
    { length: players },
    (_, i) => new SimPlayer(buzzer.url, `L${i}`, { offset: 1e7, drift: 0 }),
  );
  await Promise.all(sims.map((p) => p.join("LOOP")));
  await Bun.sleep(1500);
  const latencies: number[] = [];
  try {
    for (let round = 2; round <= rounds + 1; round++) {
      host.ws.send(encode({ type: "reset" }));
      const opened = host.next("state", (s) => s.round === round && s.phase === "open");
      host.ws.send(encode({ type: "arm" }));
      await opened;
      const presser = sims[round % players] as SimPlayer;
      const verdict = presser.next("verdict", (v) => v.round === round);
      const pressed = await presser.pressAt(performance.now() + 20);
      const v = await verdict;
      latencies.push(performance.now() - pressed);
      if (v.place !== 1) throw new Error(`round ${round}: the only presser got place ${v.place}`);
    }
  } finally {
    for (const p of [host, ...sims]) p.ws.close();
    buzzer.stop();
  }
  return latencies;
}
