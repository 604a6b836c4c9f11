/**
 * The flood figure: what one abusive client costs honest players. Starts our buzzer pinned to core 0,
 * then, pinned to core 1, honest plain-text players (each buzzing a few times a second and timing the
 * reply) and, for the flooded phase, one flooding client (10,000 messages/s, reconnecting whenever it
 * is closed). Reports honest verdict latency unloaded, flooded and after the flood, what happened to
 * the flood, and the server's CPU in each phase; repeated, median and spread. Writes
 * bench/results/hardening.md and prints the same Markdown.
 *
 * Usage: bun bench/hardening.ts [--reps 3] [--seconds 10] [--rate 10000] [--honest 200] [--honest-rate 4]
 * (--help lists every option). The same file is also the two workers it spawns (--role honest|flood),
 * driven by one-line commands on stdin (start, stop, quit), each answered with one JSON line.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import { parseArgs } from "node:util";
import { RATE } from "../buzzer/limit.ts";
import { cpuSeconds, machineCpuSeconds, rssKiB } from "./procfs.ts";
import { killAll, killOnExit, ROOT, SECRET, type ServerSpec, startServer } from "./servers.ts";
import { quantile, type Spread, spread } from "./stats.ts";
import { connect, textFrame, type WireConn } from "./wire.ts";
import { Worker } from "./worker.ts";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    url: { type: "string" },
    reps: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    ramp: { type: "string", default: "1" },
    after: { type: "string", default: "4" },
    rate: { type: "string", default: "10000" },
    honest: { type: "string", default: "200" },
    "honest-rate": { type: "string", default: "4" },
    message: { type: "string", default: "buzz" },
    limit: { type: "string", default: "240" },
    help: { type: "boolean" },
  },
});

const HELP = `Usage: bun bench/hardening.ts [options]
  --reps N           repeats, each on a fresh server (default 3)
  --seconds T        each measured phase, unloaded and flooded (default 10)
  --warmup W         seconds after the honest players' first verdicts, before measuring (default 2)
  --ramp R           seconds of flood before the flooded window starts (default 1)
  --after A          seconds measured after the flood stops (default 4; 0 to skip)
  --rate R           the flooder's messages per second (default 10000)
  --honest N         honest plain-text players (default 200)
  --honest-rate R    buzzes a second per honest player (default 4)
  --message TEXT     what the flooder sends (default buzz)
  --limit S          hard time limit for the whole run (default 240)`;

/**
 * Our buzzer as deployed: default limits. (bench/servers.ts raises the per-address join allowance for
 * its thousands of clients from one loopback address; here the limits are what is measured.)
 */
const SERVER_ARGS = ["buzzer/buzzer_server.ts", "--quiet", "--secret", SECRET];
const OURS: ServerSpec = {
  id: "ours",
  label: "ours",
  command: (_mode, host) => [process.execPath, ...SERVER_ARGS, "--host", host, "--port", "0"],
  control: `host:${SECRET}`,
};
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const FIRST = "first place!";
const SLOWER = /^response time: \d+\.\d\d seconds slower!$/;
const RATE_LIMITED = "error: slow down";
/** A plain-text join refused by the per-address join limit (the text the hub sends). */
const JOIN_REFUSED = "too many players joined from your address";

const now = () => performance.now();
const sleep = (ms: number) => Bun.sleep(ms);
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const emit = (obj: unknown) => console.log(JSON.stringify(obj));

/** Errors a worker saw: a count and the first few messages. */
class Errors {
  count = 0;
  samples: string[] = [];
  add(message: string): void {
    this.count++;
    if (this.samples.length < 5) this.samples.push(message);
  }
}

/** Reads one-line commands from stdin; the orchestrator closing stdin (it died) ends the worker. */
async function commands(handle: (cmd: string) => Promise<void> | void): Promise<never> {
  for await (const line of console) {
    const cmd = line.trim();
    if (cmd) await handle(cmd);
  }
  process.exit(1);
}

/** Waits until `done()` holds or `ms` pass; returns whether it holds. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = now() + ms;
  while (!done()) {
    if (now() > end) return false;
    await sleep(2);
  }
  return true;
}

function hostPort(): { host: string; port: number } {
  if (!values.url) throw new Error("--url is required for a worker role");
  const url = new URL(values.url);
  return { host: url.hostname, port: Number(url.port) };
}

/** The source address of the flooder and the honest players (Bun.connect cannot choose one: the kernel's). */
const FLOOD_SOURCE = "127.0.0.1";
/** Another source address, for newcomers who share nothing with the flooder. */
const OTHER_SOURCE = "127.0.0.2";

/**
 * A new plain-text player from a chosen source address: connects (node:net, which can bind the source
 * address), buzzes, and resolves with the first text reply (null on none within `ms`), then leaves.
 */
function joinFrom(source: string, host: string, port: number, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let open = false;
    let done = false;
    const sock = net.connect({ host, port, localAddress: source }, () => {
      sock.setNoDelay(true);
      sock.write(
        `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    const finish = (reply: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // A masked close frame without a status, then the end of the connection.
      if (open) sock.end(new Uint8Array([0x88, 0x80, 0, 0, 0, 0]));
      else sock.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(null), ms);
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!open) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        if (!/^HTTP\/1\.1 101 /.test(buf.toString("latin1", 0, end))) return finish(null);
        open = true;
        buf = buf.subarray(end + 4);
        sock.write(textFrame("buzz"));
      }
      // Server frames are unmasked; the replies awaited here are short text frames.
      while (buf.length >= 2) {
        const opcode = (buf[0] as number) & 0x0f;
        let len = (buf[1] as number) & 0x7f;
        let head = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          head = 4;
        } else if (len === 127) return finish(null);
        if (buf.length < head + len) return;
        const payload = buf.subarray(head, head + len);
        buf = buf.subarray(head + len);
        if (opcode === 0x1) return finish(payload.toString("utf8"));
        if (opcode === 0x8) return finish(null);
      }
    });
    sock.on("error", () => finish(null));
    sock.on("close", () => finish(null));
  });
}

// ---------------------------------------------------------------------------------------------
// Worker: honest players.

/** One honest window's result. */
interface HonestWindow {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  missing: number;
  /** How late a 10 ms timer fired in the honest worker (the load core's own delay), p99 and max. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** Errors in the window; the samples are the run's first few. */
  errors: number;
  errorSamples: string[];
  /** The room's player count in the latest state the viewer saw. */
  playerCount: number;
  stateMessages: number;
  stateKiB: number;
  /** New plain-text players who tried to join in the window, once a second from each of two addresses. */
  newcomers: Newcomers;
}

/** Newcomers admitted (got a verdict) or refused a join, from the flooder's address and from another. */
interface Newcomers {
  sameJoined: number;
  sameRefused: number;
  otherJoined: number;
  otherRefused: number;
}

const zeroNewcomers = (): Newcomers => ({ sameJoined: 0, sameRefused: 0, otherJoined: 0, otherRefused: 0 });

/**
 * N plain-text players in room MAIN (open from the start): each buzzes once (its verdict), then keeps
 * buzzing at R a second, one buzz outstanding at a time; every reply must be its first verdict again.
 * A JSON viewer (a projector) watches the room's state, for the player count.
 */
async function honestWorker(): Promise<void> {
  const { host, port } = hostPort();
  const n = Number(values.honest);
  const interval = 1000 / Number(values["honest-rate"]);
  const errors = new Errors();
  let errorsAtStart = 0;
  const fail = (m: string) => errors.add(m);

  // The load core's own scheduling delay: how late a 10 ms timer fires, sampled during windows.
  let lags: number[] = [];
  let lagOn = false;
  const lagTick = () => {
    const due = now() + 10;
    setTimeout(() => {
      if (lagOn) lags.push(now() - due);
      lagTick();
    }, 10);
  };
  lagTick();

  let closing = false;
  let playerCount = 0;
  let stateMessages = 0;
  let stateBytes = 0;
  const viewer = await connect(host, port, fail);
  viewer.onText = (t) => {
    if (!t.startsWith('{"type":"state"')) return;
    stateMessages++;
    stateBytes += t.length;
    playerCount = (JSON.parse(t) as { playerCount: number }).playerCount;
  };
  viewer.onClose = (code) => {
    if (!closing) fail(`the viewer was closed (${code})`);
  };
  viewer.sendText(JSON.stringify({ type: "join", watch: true }));

  const conns: WireConn[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < n) {
        next++;
        try {
          const c = await connect(host, port, fail);
          c.onClose = (code) => {
            if (!closing) fail(`server closed an honest player (${code})`);
          };
          conns.push(c);
        } catch (e) {
          fail((e as Error).message);
        }
      }
    }),
  );
  // First buzzes, together: each connection's verdict, which every later buzz must get again.
  const verdicts: string[] = new Array(conns.length).fill("");
  let got = 0;
  conns.forEach((c, i) => {
    c.onText = (t) => {
      if (verdicts[i]) return fail(`a second reply to the first buzz: ${t}`);
      verdicts[i] = t;
      got++;
    };
  });
  const buzz = textFrame("buzz");
  for (const c of conns) c.send(buzz);
  if (!(await until(() => got === conns.length, 10_000)))
    fail(`${conns.length - got} first verdicts missing`);
  const firsts = verdicts.filter((v) => v === FIRST).length;
  const bad = verdicts.filter((v) => v !== FIRST && !SLOWER.test(v));
  if (firsts !== 1) fail(`${firsts} first places among the honest players`);
  if (bad.length) fail(`not a verdict: ${bad[0]}`);

  // The paced phase. Samples are [send time, latency]; a window keeps those sent inside it.
  let windowStart = Number.POSITIVE_INFINITY;
  let samples: number[] = [];
  let running = true;
  const waiting: number[] = new Array(conns.length).fill(0);
  conns.forEach((c, i) => {
    const expected = verdicts[i] as string;
    const fire = () => {
      if (!running || !c.isOpen) return;
      waiting[i] = now();
      c.send(buzz);
    };
    c.onText = (t) => {
      const sentAt = waiting[i] as number;
      if (!sentAt) return fail(`unasked reply: ${t}`);
      waiting[i] = 0;
      const at = now();
      if (t !== expected) fail(`expected ${expected}, got ${t}`);
      else if (sentAt >= windowStart) samples.push(sentAt, at - sentAt);
      const wait = sentAt + interval - at;
      if (wait > 0) setTimeout(fire, wait);
      else fire();
    };
    setTimeout(fire, Math.random() * interval);
  });
  // Newcomers: once a second a new plain-text player tries to join (connect, buzz, expect a verdict)
  // from the flooder's address, and one from another loopback address.
  let newcomers = zeroNewcomers();
  const newcomer = async (from: string, same: boolean) => {
    const reply = await joinFrom(from, host, port, 3000);
    if (reply !== null && (reply === FIRST || SLOWER.test(reply)))
      newcomers[same ? "sameJoined" : "otherJoined"]++;
    else if (reply?.includes(JOIN_REFUSED)) newcomers[same ? "sameRefused" : "otherRefused"]++;
    else fail(`newcomer from ${from}: ${reply ?? "no reply in 3 s"}`);
  };
  const newcomerTimer = setInterval(() => {
    if (!running) return;
    newcomer(FLOOD_SOURCE, true);
    newcomer(OTHER_SOURCE, false);
  }, 1000);

  emit({ ready: true, players: conns.length, errors: errors.count, errorSamples: errors.samples });

  await commands(async (cmd) => {
    if (cmd === "start") {
      errorsAtStart = errors.count;
      samples = [];
      stateMessages = 0;
      stateBytes = 0;
      newcomers = zeroNewcomers();
      lags = [];
      lagOn = true;
      windowStart = now();
    } else if (cmd === "stop") {
      const end = now();
      lagOn = false;
      const lagSorted = Float64Array.from(lags).sort();
      // Replies to buzzes sent in the window count however late they come (up to 5 s).
      await until(() => !waiting.some((t) => t > 0 && t < end), 5000);
      const missing = waiting.filter((t) => t > 0 && t < end).length;
      if (missing) fail(`${missing} replies missing 5 s after the window`);
      const lat: number[] = [];
      for (let k = 0; k < samples.length; k += 2) {
        if ((samples[k] as number) < end) lat.push(samples[k + 1] as number);
      }
      const sorted = Float64Array.from(lat).sort();
      windowStart = Number.POSITIVE_INFINITY;
      const result: HonestWindow = {
        count: sorted.length,
        p50Ms: quantile(sorted, 0.5),
        p90Ms: quantile(sorted, 0.9),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
        missing,
        lagP99Ms: quantile(lagSorted, 0.99),
        lagMaxMs: lagSorted.length ? (lagSorted[lagSorted.length - 1] as number) : Number.NaN,
        errors: errors.count - errorsAtStart,
        errorSamples: errors.samples,
        playerCount,
        stateMessages,
        stateKiB: stateBytes / 1024,
        newcomers,
      };
      emit(result);
    } else if (cmd === "quit") {
      running = false;
      closing = true;
      clearInterval(newcomerTimer);
      await Promise.race([Promise.all([...conns, viewer].map((c) => c.close())), sleep(3000)]);
      emit({ quit: true, errors: errors.count, errorSamples: errors.samples });
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Worker: the flooder.

/** What the flooder did in a window. */
interface FloodCounts {
  /** Messages written to an open connection. */
  sent: number;
  /** Messages that came due while no connection was open (not sent: the flooder was reconnecting). */
  notSent: number;
  /** Replies that were a verdict (the buzzes the limiter let through). */
  verdicts: number;
  /** RATE_LIMITED replies (`error: slow down…` in plain text; the server sends at most one a second per connection). */
  rateLimited: number;
  /** Replies refusing the connection's join: `error: too many players joined from your address…`. */
  joinRefused: number;
  otherReplies: number;
  /** Close codes the server ended connections with. */
  closes: Record<string, number>;
  connects: number;
  /** Connections that got a verdict, i.e. became players in room MAIN. */
  admitted: number;
  connectFailures: number;
  /** Summed handshake time, ms. */
  handshakeMs: number;
}

const zeroCounts = (): FloodCounts => ({
  sent: 0,
  notSent: 0,
  verdicts: 0,
  rateLimited: 0,
  joinRefused: 0,
  otherReplies: 0,
  closes: {},
  connects: 0,
  admitted: 0,
  connectFailures: 0,
  handshakeMs: 0,
});

function diffCounts(a: FloodCounts, b: FloodCounts): FloodCounts {
  const closes: Record<string, number> = {};
  for (const [code, k] of Object.entries(b.closes)) {
    const d = k - (a.closes[code] ?? 0);
    if (d) closes[code] = d;
  }
  return {
    sent: b.sent - a.sent,
    notSent: b.notSent - a.notSent,
    verdicts: b.verdicts - a.verdicts,
    rateLimited: b.rateLimited - a.rateLimited,
    joinRefused: b.joinRefused - a.joinRefused,
    otherReplies: b.otherReplies - a.otherReplies,
    closes,
    connects: b.connects - a.connects,
    admitted: b.admitted - a.admitted,
    connectFailures: b.connectFailures - a.connectFailures,
    handshakeMs: b.handshakeMs - a.handshakeMs,
  };
}

/**
 * One client sending `--rate` messages a second: every millisecond it writes the messages that came
 * due, in one write. When the server closes it, it reconnects at once; messages that come due while
 * it reconnects are owed up to 10 ms' worth, the rest are counted as not sent.
 */
async function floodWorker(): Promise<void> {
  const { host, port } = hostPort();
  const rate = Number(values.rate);
  const frame = textFrame(values.message ?? "buzz");
  const cap = Math.max(1, Math.ceil(rate / 100));
  const batch = new Uint8Array(frame.length * cap);
  for (let i = 0; i < cap; i++) batch.set(frame, i * frame.length);
  const counts = zeroCounts();
  const otherSamples: string[] = [];
  let conn: WireConn | null = null;
  let running = true;

  const reconnect = async () => {
    if (!running) return;
    const t = now();
    try {
      const c = await connect(host, port, (m) => {
        if (otherSamples.length < 5) otherSamples.push(m);
      });
      counts.connects++;
      counts.handshakeMs += now() - t;
      let admitted = false;
      c.onText = (text) => {
        if (text === FIRST || SLOWER.test(text)) {
          // A connection's first verdict: it was admitted as a player in room MAIN.
          if (!admitted) counts.admitted++;
          admitted = true;
          counts.verdicts++;
        } else if (text.includes(JOIN_REFUSED)) counts.joinRefused++;
        else if (text.startsWith(RATE_LIMITED) || text.includes('"code":"RATE_LIMITED"'))
          counts.rateLimited++;
        else {
          counts.otherReplies++;
          if (otherSamples.length < 5) otherSamples.push(text.slice(0, 120));
        }
      };
      c.onClose = (code) => {
        counts.closes[code] = (counts.closes[code] ?? 0) + 1;
        if (conn === c) conn = null;
        if (running) setTimeout(reconnect, 0);
      };
      conn = c;
    } catch {
      counts.connectFailures++;
      if (running) setTimeout(reconnect, 5);
    }
  };

  const t0 = now();
  let accounted = 0;
  let owed = 0;
  const ticker = setInterval(() => {
    const due = Math.floor(((now() - t0) * rate) / 1000);
    owed += due - accounted;
    accounted = due;
    if (owed > cap) {
      counts.notSent += owed - cap;
      owed = cap;
    }
    const c = conn;
    if (!c?.isOpen || owed === 0) return;
    c.send(batch.subarray(0, owed * frame.length));
    counts.sent += owed;
    owed = 0;
  }, 1);
  await reconnect();
  emit({ ready: true });

  let mark = zeroCounts();
  let markCpu = ownCpu();
  const snapshot = (): FloodCounts => structuredClone(counts);
  await commands(async (cmd) => {
    if (cmd === "start") {
      mark = snapshot();
      markCpu = ownCpu();
    } else if (cmd === "stop") {
      emit({ ...diffCounts(mark, snapshot()), cpuSec: ownCpu() - markCpu, otherSamples });
    } else if (cmd === "quit") {
      running = false;
      clearInterval(ticker);
      const total = snapshot();
      const c = conn as WireConn | null;
      if (c) await Promise.race([c.close(), sleep(1000)]);
      emit({ ...total, seconds: (now() - t0) / 1000, otherSamples });
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The orchestrator.

/** CPU and memory at a window edge. */
interface Mark {
  t: number;
  server: number;
  machine: number;
  self: number;
  workers: number;
  rssKiB: number;
}

interface Phase {
  seconds: number;
  honest: HonestWindow;
  flood?: FloodCounts & { cpuSec: number; otherSamples: string[] };
  serverPct: number;
  /** Honest worker, flooder and this orchestrator, % of one core. */
  loadPct: number;
  /** Everything else on the machine (other users), % of one core. */
  othersPct: number;
  rssStartMiB: number;
  rssEndMiB: number;
}

interface Rep {
  rep: number;
  players: number;
  unloaded: Phase;
  flooded: Phase;
  after: Phase | null;
  floodTotal: (FloodCounts & { seconds: number }) | null;
  /** Everything the honest players saw go wrong, from their first buzz to the end (NaN: unknown). */
  honestErrors: number;
  honestErrorSamples: string[];
  serverExited: boolean;
}

async function orchestrate(): Promise<void> {
  killOnExit("bench/hardening.ts");
  const limitSec = Number(values.limit);
  setTimeout(() => {
    console.error(`bench/hardening.ts: hit the ${limitSec}s time limit; stopping everything`);
    killAll();
    process.exit(1);
  }, limitSec * 1000).unref();

  const reps = Number(values.reps);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const ramp = Number(values.ramp);
  const afterSec = Number(values.after);
  const t0 = now();
  const log = (line: string) => console.error(`[${((now() - t0) / 1000).toFixed(0)}s] ${line}`);

  const results: Rep[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    const server = await startServer(OURS, "buzzer", SERVER_CORE);
    const workers: Worker[] = [];
    try {
      const mark = (): Mark => ({
        t: now(),
        server: cpuSeconds(server.pid),
        machine: machineCpuSeconds(),
        self: ownCpu(),
        workers: workers.reduce((a, w) => {
          try {
            return a + cpuSeconds(w.pid);
          } catch {
            return a;
          }
        }, 0),
        rssKiB: rssKiB(server.pid),
      });
      /** One measured window: every listed worker starts and stops counting at the same edges. */
      const phase = async (secs: number, honest: Worker, flood?: Worker): Promise<Phase> => {
        const a = mark();
        honest.send("start");
        flood?.send("start");
        await sleep(secs * 1000);
        flood?.send("stop");
        honest.send("stop");
        const b = mark();
        const floodResult = flood ? await flood.json<Phase["flood"]>(10_000) : undefined;
        const honestResult = await honest.json<HonestWindow>(10_000);
        const wall = (b.t - a.t) / 1000;
        const serverSec = b.server - a.server;
        const loadSec = b.workers - a.workers + (b.self - a.self);
        return {
          seconds: wall,
          honest: honestResult,
          ...(floodResult ? { flood: floodResult } : {}),
          serverPct: (serverSec / wall) * 100,
          loadPct: (loadSec / wall) * 100,
          othersPct: (Math.max(0, b.machine - a.machine - serverSec - loadSec) / wall) * 100,
          rssStartMiB: a.rssKiB / 1024,
          rssEndMiB: b.rssKiB / 1024,
        };
      };
      const url = server.url;
      const honest = new Worker(
        "honest",
        "bench/hardening.ts",
        [
          "--role",
          "honest",
          "--url",
          url,
          "--honest",
          String(values.honest),
          "--honest-rate",
          String(values["honest-rate"]),
        ],
        LOAD_CORE,
      );
      workers.push(honest);
      const ready = await honest.json<{ players: number; errors: number; errorSamples: string[] }>(30_000);
      if (ready.errors) log(`rep ${rep}: honest setup errors: ${ready.errorSamples.join("; ")}`);
      await sleep(warmup * 1000);
      const unloaded = await phase(seconds, honest);
      log(
        `rep ${rep} unloaded: p50 ${unloaded.honest.p50Ms.toFixed(2)} ms p99 ${unloaded.honest.p99Ms.toFixed(2)} ms, server ${unloaded.serverPct.toFixed(0)}%`,
      );

      const flood = new Worker(
        "flood",
        "bench/hardening.ts",
        ["--role", "flood", "--url", url, "--rate", String(values.rate), "--message", String(values.message)],
        LOAD_CORE,
      );
      workers.push(flood);
      await flood.json(10_000);
      await sleep(ramp * 1000);
      const flooded = await phase(seconds, honest, flood);
      const floodTotal = await flood.quit<FloodCounts & { seconds: number }>();
      const f = flooded.flood;
      log(
        `rep ${rep} flooded: p50 ${flooded.honest.p50Ms.toFixed(2)} ms p99 ${flooded.honest.p99Ms.toFixed(2)} ms, server ${flooded.serverPct.toFixed(0)}%, ` +
          `flood sent ${f?.sent} (${((f?.sent ?? 0) / flooded.seconds).toFixed(0)}/s), 4002 closes ${f?.closes["4002"] ?? 0}, players ${flooded.honest.playerCount}`,
      );
      let after: Phase | null = null;
      if (afterSec > 0) {
        await sleep(500);
        after = await phase(afterSec, honest);
        log(
          `rep ${rep} after: p50 ${after.honest.p50Ms.toFixed(2)} ms p99 ${after.honest.p99Ms.toFixed(2)} ms`,
        );
      }
      const honestEnd = await honest.quit<{ errors: number; errorSamples: string[] }>();
      results.push({
        rep,
        players: ready.players,
        unloaded,
        flooded,
        after,
        floodTotal,
        honestErrors: honestEnd ? honestEnd.errors : Number.NaN,
        honestErrorSamples: honestEnd
          ? honestEnd.errorSamples
          : ["the honest worker did not report at its end"],
        serverExited: server.proc.exitCode !== null,
      });
    } finally {
      for (const w of workers) w.kill();
      await server.stop();
    }
  }
  const md = report(results, (now() - t0) / 1000);
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/hardening.md`, md);
  console.log(md);
  console.error("wrote bench/results/hardening.md");
  killAll();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The report.

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en") : "–");
/** Median and min–max of repeats. */
const med = (s: Spread, fmt: (x: number) => string) =>
  s.n > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median);

function report(reps: Rep[], wallSec: number): string {
  const sp = (f: (r: Rep) => number) => spread(reps.map(f));
  const ratio = (r: Rep) => r.flooded.honest.p99Ms / r.unloaded.honest.p99Ms;
  const fl = (r: Rep) => r.flooded.flood ?? (zeroCounts() as FloodCounts & { cpuSec: number });
  const closes = (r: Rep, code: string) => fl(r).closes[code] ?? 0;
  const otherCloses = (r: Rep) =>
    Object.entries(fl(r).closes)
      .filter(([c]) => c !== "4002")
      .reduce((a, [, k]) => a + k, 0);
  /** Messages that got no verdict or other answer: refused, or discarded after the server closed. */
  const unanswered = (r: Rep) => fl(r).sent - fl(r).verdicts - fl(r).joinRefused - fl(r).otherReplies;
  // The hub closes a connection when its RATE.closeAfter-th message in a row is refused.
  const refused = (r: Rep) => RATE.closeAfter * closes(r, "4002");
  const ratioSpread = sp(ratio);
  const pass = ratioSpread.median <= 2;
  const allPass = reps.every((r) => ratio(r) <= 2);
  const errors = reps.reduce((a, r) => a + r.honestErrors, 0);
  const errorSamples = reps.flatMap((r) => r.honestErrorSamples);
  const honest = Number(values.honest);
  const honestRate = Number(values["honest-rate"]);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const hasAfter = reps.some((r) => r.after);
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(" | ")} |`);

  lines.push("# Flood hardening: one flooding client against honest players", "");
  lines.push(
    `\`bun bench/hardening.ts\` — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ` +
      `${reps.length} repeats, ${wallSec.toFixed(0)} s in all. Server \`${SERVER_ARGS.join(" ")} --host 0.0.0.0 --port 0\` (default limits) ` +
      `pinned to core ${SERVER_CORE} (fresh per repeat); honest players, a viewer and the flooder are separate ` +
      `processes pinned together to core ${LOAD_CORE}.`,
    "",
  );
  lines.push(
    `**Honest load:** ${honest} plain-text players in room MAIN (open from the start). Each buzzes once ` +
      `(its verdict), then ${honestRate} times a second, one buzz outstanding, timing send → reply; every reply must ` +
      `be its first verdict again (the server answers a repeat with the same verdict). One JSON viewer ` +
      `(a projector) watches the room's state. Once a second a new plain-text player tries to join (connect, ` +
      `buzz, expect a verdict, leave) from the flooder's source address (${FLOOD_SOURCE}, shared with the honest ` +
      `players) and one from another (${OTHER_SOURCE}). **Flood:** one client sending \`${values.message}\` at ` +
      `${rate.toLocaleString("en")} messages/s (every 1 ms, the messages due in one write), reconnecting at ` +
      `once whenever it is closed. Phases: unloaded ${seconds} s; flood starts, ${values.ramp} s ramp, ` +
      `flooded ${seconds} s${hasAfter ? `; flood stops, after ${values.after} s` : ""}.`,
    "",
  );
  lines.push("## Summary (median, min–max over repeats)", "");
  row(["", "unloaded", "flooded", ...(hasAfter ? ["after the flood"] : [])]);
  row(["---", "---:", "---:", ...(hasAfter ? ["---:"] : [])]);
  const ph = (label: string, f: (p: Phase) => number, fmt: (x: number) => string, flood = true) =>
    row([
      label,
      med(
        sp((r) => f(r.unloaded)),
        fmt,
      ),
      flood
        ? med(
            sp((r) => f(r.flooded)),
            fmt,
          )
        : "",
      ...(hasAfter
        ? [
            med(
              sp((r) => (r.after ? f(r.after) : Number.NaN)),
              fmt,
            ),
          ]
        : []),
    ]);
  ph("honest verdict p50 (ms)", (p) => p.honest.p50Ms, f2);
  ph("honest verdict p99 (ms)", (p) => p.honest.p99Ms, f2);
  ph("honest verdict max (ms)", (p) => p.honest.maxMs, f2);
  ph("load-core timer lag p99 (ms; client-side delay)", (p) => p.honest.lagP99Ms, f2);
  ph("honest replies timed", (p) => p.honest.count, int);
  ph("server CPU (% of its core)", (p) => p.serverPct, f1);
  ph("load core: workers + orchestrator (% of a core)", (p) => p.loadPct, f1);
  ph("other processes on the machine (% of a core)", (p) => p.othersPct, f1);
  ph("server RSS at the end (MiB)", (p) => p.rssEndMiB, f1);
  ph("room MAIN players (viewer's playerCount)", (p) => p.honest.playerCount, int);
  ph("state messages the viewer got", (p) => p.honest.stateMessages, int);
  ph("state the viewer got (KiB)", (p) => p.honest.stateKiB, int);
  const nc = (label: string, joined: (n: Newcomers) => number, refused: (n: Newcomers) => number) => {
    const cell = (f: (r: Rep) => Phase | null) =>
      `${int(sp((r) => joined(f(r)?.honest.newcomers ?? zeroNewcomers())).median)} / ` +
      int(sp((r) => refused(f(r)?.honest.newcomers ?? zeroNewcomers())).median);
    row([
      label,
      cell((r) => r.unloaded),
      cell((r) => r.flooded),
      ...(hasAfter ? [cell((r) => r.after)] : []),
    ]);
  };
  nc(
    "new players from the flooder's address, 1/s: joined / refused",
    (n) => n.sameJoined,
    (n) => n.sameRefused,
  );
  nc(
    "new players from another address, 1/s: joined / refused",
    (n) => n.otherJoined,
    (n) => n.otherRefused,
  );
  lines.push("");
  lines.push(
    `**Flooded p99 ÷ unloaded p99: ${med(ratioSpread, f2)}** — target ≤ 2: ` +
      `${pass ? "**met**" : "**missed**"} on the median${allPass ? ", and in every repeat" : `; per repeat ${reps.map((r) => f2(ratio(r))).join(", ")}`}.` +
      ` Honest errors over the whole run (wrong, missing or refused replies, dropped connections): ${int(errors)}${errorSamples.length ? ` — ${errorSamples.slice(0, 3).join("; ")}` : ""}.`,
    "",
  );
  lines.push(`### The flood, in the flooded window (${seconds} s)`, "");
  row(["", "median (min–max)"]);
  row(["---", "---:"]);
  const fr = (label: string, f: (r: Rep) => number, fmt: (x: number) => string = int) =>
    row([label, med(sp(f), fmt)]);
  fr("messages sent", (r) => fl(r).sent);
  fr("send rate achieved (/s)", (r) => fl(r).sent / r.flooded.seconds);
  fr("due while reconnecting, not sent", (r) => fl(r).notSent);
  fr("answered with a verdict (let through by the limiter)", (r) => fl(r).verdicts);
  fr("answered `too many players joined from your address` (join refused)", (r) => fl(r).joinRefused);
  fr("answered otherwise (e.g. BAD_JSON errors)", (r) => fl(r).otherReplies);
  fr(`refused by the limiter (≈ ${RATE.closeAfter} in a row per 4002 close)`, refused);
  fr("… of which answered RATE_LIMITED (≤ 1/s per connection)", (r) => fl(r).rateLimited);
  fr("sent after the server had closed the connection (discarded)", (r) => unanswered(r) - refused(r));
  fr("closed with 4002 too many messages", (r) => closes(r, "4002"));
  fr("closed with another code", otherCloses);
  fr("connections opened (reconnects)", (r) => fl(r).connects);
  fr("mean handshake (ms)", (r) => fl(r).handshakeMs / Math.max(1, fl(r).connects), f2);
  fr("messages per connection", (r) => fl(r).sent / Math.max(1, fl(r).connects), f1);
  fr("flooder CPU (% of a core)", (r) => (fl(r).cpuSec / r.flooded.seconds) * 100, f1);
  fr("flood connections admitted as players", (r) => fl(r).admitted);
  fr(
    "room players added during the window (flood and newcomers)",
    (r) => r.flooded.honest.playerCount - r.unloaded.honest.playerCount,
  );
  fr("server RSS growth over the window (MiB)", (r) => r.flooded.rssEndMiB - r.flooded.rssStartMiB, f1);
  lines.push("");
  lines.push("## Per repeat", "");
  row([
    "rep",
    "p50 / p99 unloaded (ms)",
    "p50 / p99 flooded (ms)",
    "ratio p99",
    ...(hasAfter ? ["p50 / p99 after (ms)"] : []),
    "server CPU unl. / fl.",
    "flood sent",
    "verdicts",
    "join refused",
    "RATE_LIMITED",
    "4002 closes",
    "players after",
  ]);
  row([
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    ...(hasAfter ? ["---:"] : []),
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
  ]);
  for (const r of reps) {
    row([
      String(r.rep),
      `${f2(r.unloaded.honest.p50Ms)} / ${f2(r.unloaded.honest.p99Ms)}`,
      `${f2(r.flooded.honest.p50Ms)} / ${f2(r.flooded.honest.p99Ms)}`,
      f2(ratio(r)),
      ...(hasAfter ? [r.after ? `${f2(r.after.honest.p50Ms)} / ${f2(r.after.honest.p99Ms)}` : "–"] : []),
      `${f1(r.unloaded.serverPct)}% / ${f1(r.flooded.serverPct)}%`,
      int(fl(r).sent),
      int(fl(r).verdicts),
      int(fl(r).joinRefused),
      int(fl(r).rateLimited),
      int(closes(r, "4002")),
      int((r.after ?? r.flooded).honest.playerCount),
    ]);
  }
  lines.push("");
  lines.push("## Notes", "");
  const perConn = spread(
    reps.map((r) => (fl(r).verdicts + fl(r).joinRefused + fl(r).otherReplies) / Math.max(1, fl(r).connects)),
  );
  const life = (spread(reps.map((r) => fl(r).sent / Math.max(1, fl(r).connects))).median / rate) * 1000;
  lines.push(
    `- Each flood connection had ${f1(perConn.median)} messages answered (median; the limiter's burst is ${RATE.burst}), ` +
      `then was refused, and was closed with 4002 once ${RATE.closeAfter} messages in a row were refused: at this ` +
      `rate a connection lives ~${f1(life)} ms, so the flooder spends its time reconnecting.`,
  );
  const admittedTotal = sp((r) => r.floodTotal?.admitted ?? Number.NaN);
  const connectsTotal = sp((r) => r.floodTotal?.connects ?? Number.NaN);
  const added = sp((r) => r.flooded.honest.playerCount - r.unloaded.honest.playerCount);
  if (admittedTotal.median > connectsTotal.median / 10) {
    lines.push(
      `- The flood made ${int(admittedTotal.median)} of its ${int(connectsTotal.median)} connections players in ` +
        `room MAIN (median, whole flood; the room grew by ${int(added.median)} in the flooded window): every ` +
        "admitted reconnect is a new anonymous plain-text player, and a plain-text player that left is forgotten " +
        "only if it has no press in the round. Each one's first buzz is placed in the open round, so each stays " +
        "(with its place and fairness record) until the host's next `reset`.",
    );
  } else {
    const joinRefused = sp((r) => fl(r).joinRefused).median;
    lines.push(
      `- The flood made ${int(admittedTotal.median)} of its ${int(connectsTotal.median)} connections players ` +
        "(median, whole flood)" +
        (joinRefused > 0
          ? `: the rest were refused joining (${int(joinRefused)} answers \`${JOIN_REFUSED}…\` in the flooded ` +
            "window), so they cost the room nothing."
          : "."),
    );
  }
  const duringSame = sp((r) => r.flooded.honest.newcomers.sameRefused).median;
  if (duringSame > 0) {
    lines.push(
      `- **Collateral:** while the flood lasted, new players from the flooder's own address (think: the same ` +
        `school NAT) were refused joining — ${int(duringSame)} of ` +
        `${int(sp((r) => r.flooded.honest.newcomers.sameRefused + r.flooded.honest.newcomers.sameJoined).median)} ` +
        "(median); new players from another address were not " +
        `(${int(sp((r) => r.flooded.honest.newcomers.otherJoined).median)} joined). Players already in the room ` +
        "were unaffected.",
    );
  }
  lines.push(
    "- Latency is timed by the honest worker on the load core, which it shares with the flooder: the flooded " +
      "figures include that contention (see the load-core CPU and timer-lag rows). Server CPU is utime + stime of " +
      "/proc/PID/stat (10 ms ticks) over each window.",
    "- Phases run in a fixed order (unloaded, flooded, after) on a fresh server per repeat; `--message x` floods " +
      "with text that is not a buzz (refused as BAD_JSON, no player created), for comparison.",
  );
  if (reps.some((r) => r.serverExited)) lines.push("- **The server exited during a repeat.**");
  return `${lines.join("\n")}\n`;
}

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (values.role === "honest") await honestWorker();
else if (values.role === "flood") await floodWorker();
else if (values.role) {
  console.error(`unknown --role ${values.role}\n${HELP}`);
  process.exit(2);
} else await orchestrate();
