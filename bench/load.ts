/**
 * The load generator: one scenario against one server, every reply checked, one JSON line out.
 * Usage: bun bench/load.ts --scenario greet|cycle|verdict|burst|idle --url ws://HOST:PORT [options]
 * (--help lists them). The bench runner spawns it pinned to its own core; see bench/README.md.
 */
import { parseArgs } from "node:util";
import { type BurstRound, CLOSE_WAIT_SEC, type LoadResult, SCENARIOS, type Scenario } from "./load_result.ts";
import { cpuSeconds, machineCpuSeconds, rssKiB } from "./procfs.ts";
import { quantile, Samples } from "./stats.ts";
import { connect, textFrame, type WireConn } from "./wire.ts";

/** Per-scenario defaults: connections, measured seconds, warm-up seconds. */
const DEFAULTS: Record<Scenario, { conns: number; seconds: number; warmup: number }> = {
  greet: { conns: 64, seconds: 2, warmup: 0.5 },
  cycle: { conns: 32, seconds: 2, warmup: 0.5 },
  verdict: { conns: 1000, seconds: 2, warmup: 1 },
  burst: { conns: 1000, seconds: 0, warmup: 0 },
  idle: { conns: 10_000, seconds: 0, warmup: 0 },
};

const SLOWER = /^response time: \d+\.\d\d seconds slower!$/;
const FIRST = "first place!";

const { values } = parseArgs({
  options: {
    scenario: { type: "string" },
    url: { type: "string" },
    conns: { type: "string" },
    seconds: { type: "string" },
    warmup: { type: "string" },
    rounds: { type: "string", default: "5" },
    rate: { type: "string", default: "16" },
    control: { type: "string", default: "plain" },
    pid: { type: "string" },
    timeout: { type: "string", default: "30" },
    pause: { type: "string", default: "300" },
    concurrency: { type: "string", default: "100" },
    spread: { type: "string", default: "1" },
    limit: { type: "string", default: "300" },
    help: { type: "boolean" },
  },
});

const HELP = `Usage: bun bench/load.ts --scenario S --url ws://HOST:PORT [options]
  --scenario     greet | cycle | verdict | burst | idle
  --conns N      connections (greet 64, cycle 32 loops, verdict 1000, burst 1000, idle 10000)
  --seconds T    measured window (greet, cycle, verdict; default 2)
  --warmup W     seconds of load before the window (default 0.5; verdict 1)
  --rounds R     bursts, each in a new round (default 5)
  --rate R       verdict: buzzes a second per connection, 0 for as fast as replies come (default 16)
  --control C    how to start a round: plain (send "reset", await "new round") or host:SECRET (ours)
  --pid PID      the server's process, for CPU time (/proc/PID/stat) and memory (VmRSS)
  --timeout S    longest wait for a burst's verdicts or the last replies (default 30)
  --pause MS     pause after starting a round, before the burst (default 300)
  --concurrency K  handshakes in flight while opening connections (default 100)
  --spread K     connect to K loopback addresses 127.0.0.1..K in turn (server bound to 0.0.0.0):
                 each address has its own ephemeral ports, so the kernel finds free ones faster
  --limit S      hard time limit; past it, report what failed and exit (default 300)`;

if (values.help || !values.scenario || !values.url) {
  console.error(HELP);
  process.exit(values.help ? 0 : 2);
}
const scenario = values.scenario as Scenario;
if (!SCENARIOS.includes(scenario)) {
  console.error(`load.ts: unknown scenario ${scenario}\n${HELP}`);
  process.exit(2);
}
const url = new URL(values.url);
const host = url.hostname;
const port = Number(url.port);
const defaults = DEFAULTS[scenario];
const n = Number(values.conns ?? defaults.conns);
const seconds = Number(values.seconds ?? defaults.seconds);
const warmup = Number(values.warmup ?? defaults.warmup);
const rounds = Number(values.rounds);
const rate = Number(values.rate);
const pid = values.pid ? Number(values.pid) : null;
const timeoutMs = Number(values.timeout) * 1000;
const pauseMs = Number(values.pause);
const concurrency = Number(values.concurrency);
const spread = Number(values.spread);
let opened = 0;
/** The address of the next connection: 127.0.0.1..K in turn with --spread K. */
const nextHost = () => (spread > 1 ? `127.0.0.${1 + (opened++ % spread)}` : host);

const result: LoadResult = {
  scenario,
  url: values.url,
  conns: n,
  ok: false,
  errors: 0,
  errorSamples: [],
  sent: 0,
  received: 0,
  verified: 0,
  openSec: 0,
  closeSec: 0,
};

/** Counts an error and keeps the first few messages for the report. */
function fail(message: string): void {
  result.errors++;
  if (result.errorSamples.length < 10) result.errorSamples.push(message);
}

function finish(): never {
  result.ok = result.errors === 0 && result.verified === result.sent && result.received === result.sent;
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

// The bench must end even if a server hangs: report what is known and stop.
setTimeout(() => {
  fail(`hit the ${values.limit}s time limit`);
  finish();
}, Number(values.limit) * 1000).unref();

const now = () => performance.now();
const sleep = (ms: number) => Bun.sleep(ms);
const loadCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const serverCpu = () => (pid ? cpuSeconds(pid) : Number.NaN);

/** Waits until `done()` holds or `ms` pass; returns whether it holds. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = now() + ms;
  while (!done()) {
    if (now() > end) return false;
    await sleep(2);
  }
  return true;
}

/** Connections we did not close ourselves are errors: the server dropped them. */
let closing = false;
function watch(c: WireConn): WireConn {
  c.onClose = (code) => {
    if (!closing) fail(`server closed a connection (${code})`);
  };
  return c;
}

/** Opens `count` connections, at most `concurrency` handshakes at a time. */
async function openMany(count: number): Promise<WireConn[]> {
  const t0 = now();
  const conns: WireConn[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        conns.push(watch(await connect(nextHost(), port, fail)));
      } catch (e) {
        fail((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  result.openSec += (now() - t0) / 1000;
  return conns;
}

/** Closes connections with the close handshake, dropping any the server does not close in time. */
async function closeAll(conns: WireConn[]): Promise<void> {
  const t0 = now();
  closing = true;
  const all = Promise.all(conns.map((c) => c.close()));
  if (!(await Promise.race([all.then(() => true), sleep(CLOSE_WAIT_SEC * 1000).then(() => false)]))) {
    for (const c of conns) c.drop();
  }
  result.closeSec += (now() - t0) / 1000;
}

/** Marks a window edge: time, server CPU and our own CPU. */
function mark() {
  return { t: now(), server: serverCpu(), load: loadCpu(), machine: machineCpuSeconds() };
}

function windowResult(a: ReturnType<typeof mark>, b: ReturnType<typeof mark>, count: number, lat: Samples) {
  const sorted = lat.sorted();
  const secs = (b.t - a.t) / 1000;
  return {
    seconds: secs,
    count,
    rate: count / secs,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    serverCpuSec: b.server - a.server,
    loadCpuSec: b.load - a.load,
    machineCpuSec: b.machine - a.machine,
  };
}

/** Starts new rounds: `plain` sends `reset` (the references), `host:SECRET` joins as our host. */
interface Control {
  next(): Promise<void>;
  conn: WireConn;
}

async function openControl(spec: string): Promise<Control> {
  const conn = watch(await connect(host, port, fail));
  const inbox: string[] = [];
  conn.onText = (t) => inbox.push(t);
  // Takes messages until one passes `want`; anything else on the control connection is skipped.
  const await_ = async (want: (t: string) => boolean, what: string) => {
    const ok = await until(() => {
      while (inbox.length > 0) if (want(inbox.shift() as string)) return true;
      return false;
    }, 10_000);
    if (!ok) throw new Error(`control: no ${what} within 10s`);
  };
  if (spec === "plain") {
    return {
      conn,
      async next() {
        conn.sendText("reset");
        await await_((t) => t === "new round", '"new round"');
      },
    };
  }
  if (!spec.startsWith("host:")) throw new Error(`unknown --control ${spec}`);
  let round = 0;
  const json = (t: string) => {
    const m = JSON.parse(t) as {
      type: string;
      round?: number;
      phase?: string;
      host?: boolean;
      code?: string;
    };
    if (m.type === "error") fail(`control: ${m.code}`);
    return m;
  };
  conn.sendText(JSON.stringify({ type: "join", secret: spec.slice(5) }));
  await await_((t) => {
    const m = json(t);
    if (m.type === "state") round = m.round ?? 0;
    return m.type === "state";
  }, "state after join");
  return {
    conn,
    async next() {
      const after = round;
      conn.sendText('{"type":"reset"}');
      conn.sendText('{"type":"arm"}');
      await await_((t) => {
        const m = json(t);
        if (m.type === "state" && m.phase === "open" && (m.round ?? 0) > after) round = m.round ?? 0;
        return round > after;
      }, "open round");
    },
  };
}

/** Greeting round trips on persistent connections, one outstanding message each. */
async function greet(): Promise<void> {
  const conns = await openMany(n);
  const lat = new Samples();
  let running = true;
  let inWindow = false;
  let count = 0;
  conns.forEach((c, i) => {
    let seq = 0;
    let expected: string | null = null;
    let sentAt = 0;
    const fire = () => {
      const name = `n${i}-${seq++}`;
      expected = `Hello ${name}!`;
      sentAt = now();
      result.sent++;
      c.sendText(name);
    };
    c.onText = (text) => {
      result.received++;
      if (expected === null) return fail(`unasked reply: ${text}`);
      if (text === expected) result.verified++;
      else fail(`expected ${expected}, got ${text}`);
      expected = null;
      if (inWindow) {
        lat.push(now() - sentAt);
        count++;
      }
      if (running) fire();
    };
    fire();
  });
  await sleep(warmup * 1000);
  const a = mark();
  inWindow = true;
  await sleep(seconds * 1000);
  inWindow = false;
  const b = mark();
  running = false;
  if (!(await until(() => result.received >= result.sent, timeoutMs))) {
    fail(`${result.sent - result.received} replies missing`);
  }
  result.window = windowResult(a, b, count, lat);
  await closeAll(conns);
}

/** The original client's life, over and over: connect, send a name, read the greeting, close. */
async function cycle(): Promise<void> {
  const lat = new Samples();
  let running = true;
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let count = 0;
  const loop = async (i: number) => {
    for (let seq = 0; running; seq++) {
      const t = now();
      let c: WireConn;
      try {
        c = await connect(nextHost(), port, fail);
      } catch (e) {
        fail((e as Error).message);
        await sleep(10);
        continue;
      }
      const name = `c${i}-${seq}`;
      const reply = new Promise<string | null>((resolve) => {
        c.onText = resolve;
        c.onClose = () => resolve(null);
      });
      result.sent++;
      c.sendText(name);
      const text = await Promise.race([reply, sleep(timeoutMs).then(() => null)]);
      if (text === null) fail(`no greeting for ${name}`);
      else {
        result.received++;
        if (text === `Hello ${name}!`) result.verified++;
        else fail(`expected Hello ${name}!, got ${text}`);
      }
      const closed = await Promise.race([c.close(), sleep(timeoutMs).then(() => null)]);
      if (closed === null) {
        fail("the server did not close the connection");
        c.drop();
      } else if (c.closeCode !== 1000) fail(`close code ${c.closeCode}`);
      const end = now();
      if (t >= windowStart && end <= windowEnd) {
        lat.push(end - t);
        count++;
      }
    }
  };
  const loops = Array.from({ length: n }, (_, i) => loop(i));
  await sleep(warmup * 1000);
  const a = mark();
  windowStart = a.t;
  await sleep(seconds * 1000);
  const b = mark();
  windowEnd = b.t;
  running = false;
  await Promise.all(loops);
  result.window = windowResult(a, b, count, lat);
}

/** Sends `buzz` on every connection in one synchronous loop and collects one verdict from each. */
async function buzzAll(
  conns: WireConn[],
  control: Control,
): Promise<{ round: BurstRound; verdicts: string[] }> {
  await control.next();
  await sleep(pauseMs);
  const verdicts: string[] = new Array(conns.length).fill("");
  let got = 0;
  let firsts = 0;
  let last = 0;
  conns.forEach((c, i) => {
    c.onText = (text) => {
      result.received++;
      if (verdicts[i]) return fail(`a second reply in one round: ${text}`);
      verdicts[i] = text;
      got++;
      last = now();
      if (text === FIRST ? firsts++ === 0 : SLOWER.test(text)) result.verified++;
      else fail(text === FIRST ? "more than one first place!" : `not a verdict: ${text}`);
    };
  });
  const frame = textFrame("buzz");
  const a = mark();
  for (const c of conns) c.send(frame);
  const sent = now();
  result.sent += conns.length;
  const complete = await until(() => got === conns.length, timeoutMs);
  const b = mark();
  if (!complete) fail(`${conns.length - got} of ${conns.length} verdicts missing after ${timeoutMs / 1000}s`);
  if (firsts === 0) fail("no first place!");
  return {
    round: {
      timeMs: complete ? last - a.t : Number.NaN,
      sendMs: sent - a.t,
      verdicts: got,
      firstPlaces: firsts,
      serverCpuSec: b.server - a.server,
      loadCpuSec: b.load - a.load,
      machineCpuSec: b.machine - a.machine,
    },
    verdicts,
  };
}

/** Verdict round trips: each connection buzzes once, then keeps buzzing and must get the same verdict. */
async function verdict(): Promise<void> {
  const control = await openControl(values.control);
  const conns = await openMany(n);
  const first = await buzzAll(conns, control);
  if (first.round.verdicts < conns.length) return;
  const lat = new Samples();
  let running = true;
  let inWindow = false;
  let count = 0;
  const interval = rate > 0 ? 1000 / rate : 0;
  const buzzFrame = textFrame("buzz");
  conns.forEach((c, i) => {
    const expected = first.verdicts[i] as string;
    let waiting = false;
    let sentAt = 0;
    const fire = () => {
      // A paced buzz may come due after the window closed.
      if (!running) return;
      waiting = true;
      sentAt = now();
      result.sent++;
      c.send(buzzFrame);
    };
    c.onText = (text) => {
      result.received++;
      if (!waiting) return fail(`unasked reply: ${text}`);
      waiting = false;
      if (text === expected) result.verified++;
      else fail(`expected the same verdict ${expected}, got ${text}`);
      const t = now();
      if (inWindow) {
        lat.push(t - sentAt);
        count++;
      }
      if (!running) return;
      // Paced per connection: the next buzz goes one interval after the last was sent.
      const wait = sentAt + interval - t;
      if (wait > 0) setTimeout(fire, wait);
      else fire();
    };
    // Spread the connections' phases over one interval so the load is even.
    setTimeout(fire, Math.random() * interval);
  });
  await sleep(warmup * 1000);
  const a = mark();
  inWindow = true;
  await sleep(seconds * 1000);
  inWindow = false;
  const b = mark();
  running = false;
  if (!(await until(() => result.received >= result.sent, timeoutMs))) {
    fail(`${result.sent - result.received} replies missing`);
  }
  result.window = windowResult(a, b, count, lat);
  await closeAll([...conns, control.conn]);
}

/** Bursts: all clients buzz in the same tick, in `rounds` new rounds on the same connections. */
async function burst(): Promise<void> {
  const control = await openControl(values.control);
  const conns = await openMany(n);
  result.rounds = [];
  for (let r = 0; r < rounds; r++) {
    const { round } = await buzzAll(conns, control);
    result.rounds.push(round);
    // Late verdicts of an unfinished burst would land in the next one: stop here.
    if (round.verdicts < conns.length) break;
  }
  await closeAll([...conns, control.conn]);
}

/** Memory per connection: server RSS before and after opening idle connections. */
async function idle(): Promise<void> {
  if (!pid) throw new Error("idle needs --pid");
  // A few connections first, so code paths and pools the first connection needs are not counted.
  const warm = await openMany(100);
  await closeAll(warm);
  closing = false;
  await sleep(1000);
  const before = rssKiB(pid);
  const conns = await openMany(n);
  await sleep(1000);
  const after = rssKiB(pid);
  const open = conns.filter((c) => c.isOpen).length;
  // Each connection that opened and stayed open is one verified reply (the handshake).
  result.sent = n;
  result.received = conns.length;
  result.verified = open;
  if (open < n) fail(`${n - open} of ${n} connections not open`);
  result.idle = {
    rssBeforeKiB: before,
    rssAfterKiB: after,
    kibPerConn: (after - before) / Math.max(1, open),
  };
  await closeAll(conns);
}

try {
  await { greet, cycle, verdict, burst, idle }[scenario]();
} catch (e) {
  fail((e as Error).message);
}
finish();
