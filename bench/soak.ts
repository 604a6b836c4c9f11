/**
 * The soak run: our buzzer under a steady, realistic game for M minutes (default 3; --quick 30 s),
 * sampling the server's RSS (/proc/PID/status VmRSS), CPU and the players' verdict latency every
 * 10 s (5 s with --quick). Prints the time series and a verdict, "flat" or "growing", and writes the
 * same Markdown to bench/results/soak.md.
 *
 * The game (one load process pinned to core 1; the server pinned to core 0): 500 plain-text players
 * and 50 JSON players (answering clock probes) in room MAIN, and a host who starts a round every few
 * seconds (reset, arm). Every player buzzes once at a random time in the round's first 2 s, some twice
 * (a mashed key); every verdict is checked: one per buzz, a repeat the same again, exactly one first
 * place, JSON places distinct and gaps in place order. Between rounds a few players leave and new ones
 * come (plain-text), and one JSON player reconnects with its resume token.
 *
 * Usage: bun bench/soak.ts [--minutes M | --quick] (--help lists every option). The same file is the
 * load process it spawns (--role load), driven by one-line commands on stdin (sample, quit).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { cpuSeconds, machineCpuSeconds, rssKiB } from "./procfs.ts";
import { killAll, killOnExit, ROOT, SECRET, SERVERS, startServer } from "./servers.ts";
import { quantile } from "./stats.ts";
import { connect, textFrame, type WireConn } from "./wire.ts";
import { Worker } from "./worker.ts";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    url: { type: "string" },
    minutes: { type: "string" },
    quick: { type: "boolean" },
    interval: { type: "string" },
    warmup: { type: "string" },
    plain: { type: "string", default: "500" },
    json: { type: "string", default: "50" },
    period: { type: "string", default: "4000" },
    spread: { type: "string", default: "2000" },
    mash: { type: "string", default: "0.1" },
    "churn-plain": { type: "string", default: "10" },
    "churn-json": { type: "string", default: "1" },
    help: { type: "boolean" },
  },
});

const HELP = `Usage: bun bench/soak.ts [options]
  --minutes M        how long (default 3)
  --quick            30 s, sampled every 5 s, 10 s warm-up (for development)
  --interval S       seconds between samples (default 10; 5 with --quick)
  --warmup S         seconds left out of the verdict (default 30; 10 with --quick)
  --plain N          plain-text players (default 500)
  --json N           JSON players answering clock probes (default 50)
  --period MS        a new round every MS (default 4000)
  --spread MS        players buzz at random times in the round's first MS (default 2000)
  --mash F           share of players who buzz twice in a round (default 0.1)
  --churn-plain N    plain-text players replaced by new connections after each round (default 10)
  --churn-json N     JSON players who reconnect with their resume token after each round (default 1)`;

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const FIRST = "first place!";
const SLOWER = /^response time: \d+\.\d\d seconds slower!$/;

/** A mashed key's second buzz comes this long after the first, in ms. */
const MASH_DELAY = { min: 50, range: 200 };

/**
 * When to check a round, in ms after it opened: the last buzz goes at most spread + MASH_DELAY ms in,
 * its verdict within the server's --max-wait (500 ms by default); 300 ms are left for the churn.
 */
function checkDelay(period: number, spread: number): number {
  const lastBuzz = spread + MASH_DELAY.min + MASH_DELAY.range;
  const at = Math.min(period - 300, lastBuzz + 1000);
  if (at < lastBuzz + 600) {
    throw new Error(`--period ${period} is too short for --spread ${spread}: at least ${lastBuzz + 900} ms`);
  }
  return at;
}

const now = () => performance.now();
const sleep = (ms: number) => Bun.sleep(ms);
const emit = (obj: unknown) => console.log(JSON.stringify(obj));

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
    await sleep(5);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The load process: the host and the players.

/** What the load process reports per sample interval. */
interface Interval {
  rounds: number;
  verdicts: number;
  /** Presses placed (a player's first verdict of a round): each is one fairness record the room keeps. */
  placed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  jsonP99Ms: number;
  errors: number;
  errorSamples: string[];
  /** The room's player count in the host's latest state. */
  playerCount: number;
}

/** One player connection and what it did in the current round. */
interface Player {
  kind: "plain" | "json";
  c: WireConn;
  name: string;
  token: string;
  id: string;
  /** Buzzes sent this round, and when the first went. */
  buzzes: number;
  firstAt: number;
  verdicts: string[];
  place: number;
  gap: number;
  /** A reconnect is in progress: replies are not expected. */
  leaving: boolean;
}

interface JsonMsg {
  type: string;
  id?: number | string;
  token?: string;
  round?: number;
  place?: number;
  gap?: number;
  text?: string;
  code?: string;
  message?: string;
  phase?: string;
  playerCount?: number;
  data?: string;
}

async function loadWorker(): Promise<void> {
  if (!values.url) throw new Error("--url is required with --role load");
  const url = new URL(values.url);
  const host = url.hostname;
  const port = Number(url.port);
  const nPlain = Number(values.plain);
  const nJson = Number(values.json);
  const period = Number(values.period);
  const buzzSpread = Number(values.spread);
  const mash = Number(values.mash);
  const churnPlain = Number(values["churn-plain"]);
  const churnJson = Number(values["churn-json"]);
  const checkAfter = checkDelay(period, buzzSpread);

  let errorCount = 0;
  let errorSamples: string[] = [];
  const fail = (m: string) => {
    errorCount++;
    if (errorSamples.length < 5) errorSamples.push(m);
  };
  let lat: number[] = [];
  let jsonLat: number[] = [];
  let rounds = 0;
  let verdicts = 0;
  let round = 0;
  let stopping = false;

  // The host: joins with the secret, starts rounds, reads the room's state.
  const hostConn = await connect(host, port, fail);
  let hostRound = 0;
  let hostPhase = "";
  let playerCount = 0;
  let logReply: string | null = null;
  hostConn.onClose = (code) => {
    if (!stopping) fail(`the host was closed (${code})`);
  };
  hostConn.onText = (t) => {
    const m = JSON.parse(t) as JsonMsg;
    if (m.type === "state") {
      hostRound = m.round ?? 0;
      hostPhase = m.phase ?? "";
      playerCount = m.playerCount ?? 0;
    } else if (m.type === "log") logReply = m.data ?? "";
    else if (m.type === "error") fail(`host: ${m.code} ${m.message}`);
  };
  hostConn.sendText(JSON.stringify({ type: "join", secret: SECRET }));
  if (!(await until(() => hostRound > 0, 10_000))) throw new Error("the host got no state");

  const onPlainText = (p: Player) => (t: string) => {
    if (p.leaving) return;
    if (p.buzzes === 0) return fail(`unasked plain reply: ${t}`);
    if (p.verdicts.length === 0) lat.push(now() - p.firstAt);
    p.verdicts.push(t);
    verdicts++;
    if (t !== FIRST && !SLOWER.test(t)) fail(`not a verdict: ${t}`);
  };
  const onJsonText = (p: Player) => (t: string) => {
    // State goes to every JSON client on every change: skipped without parsing.
    if (t.startsWith('{"type":"state"')) return;
    const m = JSON.parse(t) as JsonMsg;
    if (m.type === "ping") {
      p.c.sendText(JSON.stringify({ type: "pong", id: m.id, t: now() }));
    } else if (m.type === "verdict") {
      if (p.leaving) return;
      if (p.buzzes === 0) return fail(`unasked verdict for ${p.name}: ${t}`);
      if (m.round !== round) fail(`${p.name}: verdict for round ${m.round} in round ${round}`);
      if (p.verdicts.length === 0) {
        const ms = now() - p.firstAt;
        lat.push(ms);
        jsonLat.push(ms);
        p.place = m.place ?? 0;
        p.gap = m.gap ?? 0;
      }
      p.verdicts.push(m.text ?? "");
      verdicts++;
    } else if (m.type === "welcome") {
      p.token = m.token ?? "";
      p.id = typeof m.id === "string" ? m.id : "";
    } else if (m.type === "error") fail(`${p.name}: ${m.code} ${m.message}`);
  };

  const watchClose = (p: Player) => (code: number) => {
    if (!stopping && !p.leaving) fail(`server closed ${p.name} (${code})`);
  };
  let plainSeq = 0;
  const openPlain = async (): Promise<Player> => {
    const c = await connect(host, port, fail);
    const p: Player = {
      kind: "plain",
      c,
      name: `plain ${++plainSeq}`,
      token: "",
      id: "",
      buzzes: 0,
      firstAt: 0,
      verdicts: [],
      place: 0,
      gap: 0,
      leaving: false,
    };
    c.onText = onPlainText(p);
    c.onClose = watchClose(p);
    return p;
  };
  /** Opens (or, with a player, reopens with its token) a JSON player and waits for its welcome. */
  const openJson = async (name: string, resume?: Player): Promise<Player> => {
    const c = await connect(host, port, fail);
    const p: Player = resume ?? {
      kind: "json",
      c,
      name,
      token: "",
      id: "",
      buzzes: 0,
      firstAt: 0,
      verdicts: [],
      place: 0,
      gap: 0,
      leaving: false,
    };
    const oldToken = p.token;
    const oldId = p.id;
    p.c = c;
    p.token = "";
    c.onText = onJsonText(p);
    c.onClose = watchClose(p);
    c.sendText(JSON.stringify({ type: "join", name, ...(resume ? { token: oldToken } : {}) }));
    if (!(await until(() => p.token !== "", 10_000))) fail(`${name}: no welcome`);
    if (resume && (p.token !== oldToken || p.id !== oldId)) fail(`${name}: resumed as someone else`);
    return p;
  };

  const players: Player[] = [];
  for (let i = 0; i < nJson; i++) players.push(await openJson(`json ${i + 1}`));
  let next = 0;
  const opened: Player[] = [];
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < nPlain) {
        next++;
        opened.push(await openPlain());
      }
    }),
  );
  players.push(...opened);

  const plainBuzz = textFrame("buzz");
  const buzz = (p: Player, r: number) => {
    if (stopping || round !== r || p.leaving || !p.c.isOpen) return;
    if (p.buzzes === 0) p.firstAt = now();
    p.buzzes++;
    if (p.kind === "plain") p.c.send(plainBuzz);
    else p.c.sendText(JSON.stringify({ type: "buzz", at: now() }));
  };

  /** Checks the round that just ended: every buzz answered, one winner, places consistent. */
  const check = () => {
    let firsts = 0;
    const places = new Map<number, Player>();
    for (const p of players) {
      if (p.buzzes === 0) continue;
      if (p.verdicts.length !== p.buzzes) {
        fail(`${p.name}: ${p.buzzes} buzzes, ${p.verdicts.length} verdicts in round ${round}`);
        continue;
      }
      if (p.verdicts.some((v) => v !== p.verdicts[0])) fail(`${p.name}: a repeat got another verdict`);
      if (p.verdicts[0] === FIRST) firsts++;
      if (p.kind === "json") {
        if (places.has(p.place)) fail(`round ${round}: place ${p.place} twice`);
        places.set(p.place, p);
      }
    }
    if (firsts !== 1) fail(`round ${round}: ${firsts} first places`);
    const ordered = [...places.entries()].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ordered.length; i++) {
      const [pa, a] = ordered[i - 1] as [number, Player];
      const [pb, b] = ordered[i] as [number, Player];
      if (b.gap < a.gap) fail(`round ${round}: place ${pb} gap ${b.gap} < place ${pa} gap ${a.gap}`);
    }
  };

  /** A few players leave and new ones come; JSON players come back with their token. */
  const churn = async () => {
    const plains = players.filter((p) => p.kind === "plain");
    const jsons = players.filter((p) => p.kind === "json");
    const leave = async (p: Player) => {
      p.leaving = true;
      await Promise.race([p.c.close(), sleep(2000)]);
    };
    for (let k = 0; k < churnPlain && plains.length; k++) {
      const p = plains.splice(Math.floor(Math.random() * plains.length), 1)[0] as Player;
      await leave(p);
      players[players.indexOf(p)] = await openPlain();
    }
    for (let k = 0; k < churnJson && jsons.length; k++) {
      const p = jsons.splice(Math.floor(Math.random() * jsons.length), 1)[0] as Player;
      await leave(p);
      await openJson(p.name, p);
      p.leaving = false;
    }
  };

  const roundLoop = async () => {
    while (!stopping) {
      const t0 = now();
      for (const p of players) {
        p.buzzes = 0;
        p.verdicts = [];
        p.place = 0;
        p.gap = 0;
      }
      const before = hostRound;
      hostConn.sendText('{"type":"reset"}');
      hostConn.sendText('{"type":"arm"}');
      if (!(await until(() => hostRound > before && hostPhase === "open", 5000))) {
        fail("the round did not open within 5 s");
        continue;
      }
      round = hostRound;
      const r = round;
      const openAt = now();
      for (const p of players) {
        const at = Math.random() * buzzSpread;
        setTimeout(() => buzz(p, r), at);
        if (Math.random() < mash)
          setTimeout(() => buzz(p, r), at + MASH_DELAY.min + Math.random() * MASH_DELAY.range);
      }
      await sleep(Math.max(0, openAt + checkAfter - now()));
      if (stopping) break;
      check();
      rounds++;
      await churn();
      await sleep(Math.max(0, t0 + period - now()));
    }
  };
  const loop = roundLoop();
  emit({ ready: true, players: players.length });

  await commands(async (cmd) => {
    if (cmd === "sample") {
      const sorted = Float64Array.from(lat).sort();
      const jsonSorted = Float64Array.from(jsonLat).sort();
      const out: Interval = {
        rounds,
        verdicts,
        placed: lat.length,
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        maxMs: sorted.length ? (sorted[sorted.length - 1] as number) : Number.NaN,
        jsonP99Ms: quantile(jsonSorted, 0.99),
        errors: errorCount,
        errorSamples,
        playerCount,
      };
      emit(out);
      lat = [];
      jsonLat = [];
      rounds = 0;
      verdicts = 0;
      errorCount = 0;
      errorSamples = [];
    } else if (cmd === "quit") {
      stopping = true;
      await Promise.race([loop, sleep(period + 1000)]);
      // The fairness records the room keeps in memory, as the host would download them.
      hostConn.sendText(JSON.stringify({ type: "log", format: "jsonl" }));
      await until(() => logReply !== null, 10_000);
      const log = logReply ?? "";
      const records = log ? log.split("\n").filter(Boolean).length : Number.NaN;
      await Promise.race([Promise.all([...players.map((p) => p.c.close()), hostConn.close()]), sleep(3000)]);
      emit({ quit: true, records, logKiB: log.length / 1024, playerCount, errors: errorCount, errorSamples });
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The orchestrator.

/** One row of the time series. */
interface Sample extends Interval {
  t: number;
  rssMiB: number;
  serverPct: number;
  loadPct: number;
  othersPct: number;
}

interface Final {
  records: number;
  logKiB: number;
  playerCount: number;
  errors: number;
  errorSamples: string[];
}

async function orchestrate(): Promise<void> {
  killOnExit("bench/soak.ts");
  try {
    checkDelay(Number(values.period), Number(values.spread));
  } catch (e) {
    console.error(`bench/soak.ts: ${(e as Error).message}`);
    process.exit(2);
  }
  const quick = values.quick === true;
  const seconds = quick ? 30 : Number(values.minutes ?? 3) * 60;
  const interval = Number(values.interval ?? (quick ? 5 : 10));
  const warmup = Number(values.warmup ?? (quick ? 10 : 30));
  setTimeout(
    () => {
      console.error("bench/soak.ts: hit its time limit; stopping everything");
      killAll();
      process.exit(1);
    },
    (seconds + 120) * 1000,
  ).unref();
  const ours = SERVERS.find((s) => s.id === "ours");
  if (!ours) throw new Error("no server 'ours' in bench/servers.ts");

  const server = await startServer(ours, "buzzer", SERVER_CORE);
  const samples: Sample[] = [];
  let final: Final | null = null;
  let worker: Worker | null = null;
  let rssStartMiB = Number.NaN;
  try {
    worker = new Worker(
      "load",
      "bench/soak.ts",
      [
        "--role",
        "load",
        "--url",
        server.url,
        ...["plain", "json", "period", "spread", "mash", "churn-plain", "churn-json"].flatMap((k) => [
          `--${k}`,
          String(values[k as keyof typeof values]),
        ]),
      ],
      LOAD_CORE,
    );
    const w = worker;
    const ready = await w.json<{ players: number }>(60_000);
    rssStartMiB = rssKiB(server.pid) / 1024;
    console.error(`soak: ${ready.players} players connected, server RSS ${rssStartMiB.toFixed(1)} MiB`);
    const mark = () => {
      let load = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
      try {
        load += cpuSeconds(w.proc.pid);
      } catch {}
      return { t: now(), server: cpuSeconds(server.pid), load, machine: machineCpuSeconds() };
    };
    const t0 = now();
    let a = mark();
    for (let k = 1; k * interval <= seconds + 1e-9; k++) {
      await sleep(Math.max(0, t0 + k * interval * 1000 - now()));
      w.send("sample");
      const b = mark();
      const rssMiB = rssKiB(server.pid) / 1024;
      const iv = await w.json<Interval>(10_000);
      const wall = (b.t - a.t) / 1000;
      const serverSec = b.server - a.server;
      const loadSec = b.load - a.load;
      const s: Sample = {
        ...iv,
        t: k * interval,
        rssMiB,
        serverPct: (serverSec / wall) * 100,
        loadPct: (loadSec / wall) * 100,
        othersPct: (Math.max(0, b.machine - a.machine - serverSec - loadSec) / wall) * 100,
      };
      samples.push(s);
      a = b;
      if (server.proc.exitCode !== null) throw new Error(`the server exited: ${server.output().slice(-500)}`);
      console.error(
        `[${s.t}s] rounds ${s.rounds} verdicts ${s.verdicts} p50 ${s.p50Ms.toFixed(2)} p99 ${s.p99Ms.toFixed(2)} ms ` +
          `RSS ${rssMiB.toFixed(1)} MiB server ${s.serverPct.toFixed(0)}% load ${s.loadPct.toFixed(0)}% ` +
          `errors ${s.errors}${s.errors ? ` (${s.errorSamples.join("; ")})` : ""}`,
      );
    }
    w.send("quit");
    final = await w.json<Final>(20_000);
  } finally {
    worker?.kill();
    await server.stop();
  }
  const serverCmd = ours.command("buzzer", "0.0.0.0").slice(1).join(" ").replace(SECRET, "…");
  const md = report(samples, final, { seconds, interval, warmup, quick, rssStartMiB, serverCmd });
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/soak.md`, md);
  console.log(md);
  console.error("wrote bench/results/soak.md");
  killAll();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The report.

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en") : "–");
const mean = (xs: number[]) => {
  const v = xs.filter(Number.isFinite);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
};

/** Least-squares slope of ys over xs. */
function slope(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  xs.forEach((x, i) => {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * ((ys[i] as number) - my);
  });
  return sxx ? sxy / sxx : Number.NaN;
}

/** RSS grows if the last third's mean is ≥ 10% and ≥ 4 MiB above the first third's. */
const RSS_GROWTH = { ratio: 1.1, mib: 4 };
/** p99 grows if the last third's mean is ≥ 1.5× and ≥ 2 ms above the first third's. */
const P99_GROWTH = { ratio: 1.5, ms: 2 };

function report(
  samples: Sample[],
  final: Final | null,
  opts: {
    seconds: number;
    interval: number;
    warmup: number;
    quick: boolean;
    rssStartMiB: number;
    serverCmd: string;
  },
): string {
  const steady = samples.filter((s) => s.t > opts.warmup);
  const third = Math.max(1, Math.floor(steady.length / 3));
  const first = steady.slice(0, third);
  const last = steady.slice(-third);
  const rssFirst = mean(first.map((s) => s.rssMiB));
  const rssLast = mean(last.map((s) => s.rssMiB));
  const p99First = mean(first.map((s) => s.p99Ms));
  const p99Last = mean(last.map((s) => s.p99Ms));
  const rssGrowing = rssLast >= rssFirst * RSS_GROWTH.ratio && rssLast - rssFirst >= RSS_GROWTH.mib;
  const p99Growing = p99Last >= p99First * P99_GROWTH.ratio && p99Last - p99First >= P99_GROWTH.ms;
  const rssSlope = slope(
    steady.map((s) => s.t / 60),
    steady.map((s) => s.rssMiB),
  );
  const p99Slope = slope(
    steady.map((s) => s.t / 60),
    steady.map((s) => s.p99Ms),
  );
  const totalRounds = samples.reduce((a, s) => a + s.rounds, 0);
  const totalVerdicts = samples.reduce((a, s) => a + s.verdicts, 0);
  const totalErrors = samples.reduce((a, s) => a + s.errors, 0) + (final?.errors ?? 0);
  const errorSamples = [...samples.flatMap((s) => s.errorSamples), ...(final?.errorSamples ?? [])].slice(
    0,
    5,
  );
  const loadBound = samples.filter((s) => s.loadPct >= 90).length;
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(" | ")} |`);
  const cmd = opts.quick ? "bun bench/soak.ts --quick" : `bun bench/soak.ts --minutes ${opts.seconds / 60}`;

  lines.push("# Soak: the buzzer under a steady game", "");
  lines.push(
    `\`${cmd}\` — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${opts.seconds} s, sampled every ` +
      `${opts.interval} s. Server \`${opts.serverCmd}\` (bench/servers.ts's command) pinned to core ${SERVER_CORE}; ` +
      `one load process pinned to core ${LOAD_CORE}: ${values.plain} plain-text players and ${values.json} JSON players ` +
      `(answering clock probes) in room MAIN, and a host starting a round every ${Number(values.period) / 1000} s ` +
      `(reset, arm). Each player buzzes at a random time in the round's first ${Number(values.spread) / 1000} s, ` +
      `${Number(values.mash) * 100}% of them twice (50–250 ms later); every verdict is checked. After each round ${values["churn-plain"]} ` +
      `plain-text players leave and new ones connect, and ${values["churn-json"]} JSON player reconnects with its token. ` +
      "Latency: a player's first buzz of the round → its verdict (it includes the fairness decision window).",
    "",
  );
  const verdict = rssGrowing || p99Growing ? "growing" : "flat";
  lines.push(
    `**Verdict: ${verdict}.** After the ${opts.warmup} s warm-up, first third vs last third of the samples ` +
      `(${first.length} each): server RSS ${f1(rssFirst)} → ${f1(rssLast)} MiB ` +
      `(${rssLast >= rssFirst ? "+" : ""}${f1(rssLast - rssFirst)} MiB, ${f1(((rssLast - rssFirst) / rssFirst) * 100)}%; ` +
      `slope ${f2(rssSlope)} MiB/min) — ${rssGrowing ? "**growing**" : "flat"}; verdict p99 ${f2(p99First)} → ` +
      `${f2(p99Last)} ms (slope ${f2(p99Slope)} ms/min) — ${p99Growing ? "**growing**" : "flat"}. ` +
      `(Growing means the last third is ≥ ${Math.round((RSS_GROWTH.ratio - 1) * 100)}% and ≥ ${RSS_GROWTH.mib} MiB ` +
      `above the first for RSS, ≥ ${P99_GROWTH.ratio}× and ≥ ${P99_GROWTH.ms} ms for p99.)`,
    "",
  );
  lines.push(
    `Rounds: ${int(totalRounds)}; verdicts checked: ${int(totalVerdicts)}; errors: ${totalErrors}` +
      `${errorSamples.length ? ` — ${errorSamples.join("; ")}` : ""}. Server RSS when the players had connected: ` +
      `${f1(opts.rssStartMiB)} MiB.` +
      (final
        ? ` At the end the room had ${int(final.playerCount)} players, and kept ${int(final.records)} fairness records ` +
          `in memory (${f1(final.logKiB / 1024)} MiB as JSON lines; the hub keeps up to 100,000, then trims to 50,000).`
        : ""),
    "",
  );
  const steadyMinutes = (steady.length * opts.interval) / 60;
  const recordsPerMin = steady.reduce((a, s) => a + s.placed, 0) / steadyMinutes;
  if (Number.isFinite(rssSlope) && rssSlope > 0 && recordsPerMin > 0) {
    lines.push(
      `Every placed press is kept as a fairness record in memory (by design; up to 100,000 per room): ` +
        `${int(recordsPerMin)} a minute here. The RSS slope is ${int((rssSlope * 1024 * 1024) / recordsPerMin)} bytes ` +
        "per record added.",
      "",
    );
  }
  if (loadBound) {
    lines.push(
      `**Caution:** the load process used ≥ 90% of its core in ${loadBound} of ${samples.length} samples; ` +
        "latency there includes the load generator's own delay.",
      "",
    );
  }
  lines.push("## Time series", "");
  row([
    "t (s)",
    "rounds",
    "verdicts",
    "p50 (ms)",
    "p99 (ms)",
    "max (ms)",
    "JSON p99 (ms)",
    "server RSS (MiB)",
    "server CPU",
    "load CPU",
    "others",
    "players",
    "errors",
  ]);
  row([
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
    "---:",
  ]);
  for (const s of samples) {
    row([
      `${s.t}${s.t <= opts.warmup ? " (warm-up)" : ""}`,
      int(s.rounds),
      int(s.verdicts),
      f2(s.p50Ms),
      f2(s.p99Ms),
      f2(s.maxMs),
      f2(s.jsonP99Ms),
      f1(s.rssMiB),
      `${f1(s.serverPct)}%`,
      `${f1(s.loadPct)}%`,
      `${f1(s.othersPct)}%`,
      int(s.playerCount),
      int(s.errors),
    ]);
  }
  lines.push("");
  lines.push(
    "CPU columns are % of one core over each interval: the server (utime + stime of /proc/PID/stat), the load " +
      "process plus this orchestrator, and everything else on the machine. RSS is VmRSS of /proc/PID/status at the " +
      "sample. `players` is the room's player count in the host's latest state.",
  );
  return `${lines.join("\n")}\n`;
}

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (values.role === "load") await loadWorker();
else if (values.role) {
  console.error(`unknown --role ${values.role}\n${HELP}`);
  process.exit(2);
} else await orchestrate();
