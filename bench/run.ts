/**
 * The bench runner (`bun run bench`, or `bun bench/run.ts --quick`, `--reps N`): starts each server
 * as its own process pinned to core 0 and the load generator pinned to core 1, runs every scenario
 * against ours, bare Bun, Node+ws and Python, and writes bench/results/latest.md, latest.json and
 * chart.svg. Every process it starts is killed when it ends, on error too.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { numberOption, parseOptions } from "../lib/options.ts";
import { chartSvg } from "./chart.ts";
import { LOAD_CORE, SERVER_CORE } from "./harness.ts";
import type { LoadResult } from "./load_result.ts";
import { cpuSeconds } from "./procfs.ts";
import { markdown } from "./report.ts";
import { rooms } from "./rooms.ts";
import {
  BARE_FAIR,
  killOnExit,
  type Mode,
  ROOT,
  SERVERS,
  type ServerSpec,
  spawnTracked,
  startServer,
} from "./servers.ts";
import { spread } from "./stats.ts";
import type { RunSummary, ScenarioSummary, ServerSummary } from "./summary.ts";

const program = "bench/run.ts";
const { values } = parseOptions(program, "Every scenario against ours, bare Bun, Node+ws and Python.", {
  quick: { type: "boolean", help: "2 repeats, 1 s windows (about 4 min)" },
  reps: { type: "string", value: "N", help: "repeats (default 5; 2 with --quick)" },
  only: { type: "string", value: "LIST", help: "scenarios: greet,cycle,verdict,burst,room,idle" },
  servers: { type: "string", value: "LIST", help: "servers: ours,bare,node,python,fair (bursts only)" },
  "skip-fairness": { type: "boolean", help: "leave out the fairness table" },
});
const quick = values.quick === true;
const reps = numberOption(program, "reps", values.reps ?? (quick ? 2 : 5), 1, 100);
const only = (values.only as string | undefined)?.split(",");
const serverIds = (values.servers as string | undefined)?.split(",");
const servers = serverIds ? SERVERS.filter((s) => serverIds.includes(s.id)) : SERVERS;
/** Bursts also measure bare Bun with a fair window: what a fair decision costs by itself. */
const burstServers = [...servers, ...(!serverIds || serverIds.includes("fair") ? [BARE_FAIR] : [])];
/** Loopback addresses the load generator spreads connections over (servers listen on 0.0.0.0). */
const SPREAD = 4;

/** The per-process open-file limit: a connection is a file on each side, so it caps a burst. */
function fileLimit(): number {
  const line = readFileSync("/proc/self/limits", "utf8").match(/^Max open files\s+(\d+)\s+(\d+)/m);
  return line ? Math.min(Number(line[1]), Number(line[2])) : 1024;
}
// The servers keep ~20 files of their own (Node the most) and there is one control connection.
const maxClients = Math.floor((fileLimit() - 100) / 100) * 100;

const plan = {
  reps,
  seconds: quick ? 1 : 2,
  warmup: quick ? 0.3 : 0.5,
  greetConns: 64,
  cycleLoops: 32,
  verdictConns: 1000,
  verdictRate: 16,
  burstSizes: [1000, 5000, maxClients],
  roomSizes: [1000, 5000, maxClients],
  idleConns: 10_000,
};

// Whatever happens, no server or load generator outlives the runner.
killOnExit(program);

const log = (line: string) => console.error(line);
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)}s`;

/** Runs the load generator pinned to its core and returns its JSON line. */
async function load(args: string[], limitSec: number): Promise<LoadResult> {
  const proc = spawnTracked(
    [process.execPath, "bench/load.ts", ...args, "--limit", String(limitSec)],
    LOAD_CORE,
  );
  const killer = setTimeout(() => proc.kill("SIGKILL"), (limitSec + 20) * 1000);
  const [out, err] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
  ]);
  await proc.exited;
  clearTimeout(killer);
  const line = out.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as LoadResult;
  } catch {
    throw new Error(`the load generator printed no result: ${(err || out).slice(0, 500)}`);
  }
}

/** One measurement: a fresh server, one load generator run against it, the server's CPU around it. */
async function measure(spec: ServerSpec, mode: Mode, args: string[], limitSec: number) {
  const server = await startServer(spec, mode, SERVER_CORE);
  try {
    const before = cpuSeconds(server.pid);
    const result = await load(
      ["--url", server.url, "--pid", String(server.pid), "--spread", String(SPREAD), ...args],
      limitSec,
    );
    const serverCpuTotalSec = cpuSeconds(server.pid) - before;
    if (server.proc.exitCode !== null) throw new Error(`server exited: ${server.output().slice(-500)}`);
    return { result, serverCpuTotalSec };
  } finally {
    await server.stop();
  }
}

/** A repeat that could not run: no result, the reason kept as an error. */
function failed(e: unknown): LoadResult {
  return {
    scenario: "greet",
    url: "",
    conns: 0,
    ok: false,
    errors: 1,
    errorSamples: [(e as Error).message],
    sent: 0,
    received: 0,
    verified: 0,
    openSec: 0,
    closeSec: 0,
  };
}

/** What limited a measurement, from the CPU shares of the server, the load generator and others. */
function bound(server: number, loadGen: number, others: number): string {
  if (server >= 0.9 && loadGen >= 0.9) return "both";
  if (server >= 0.9) return "server";
  if (loadGen >= 0.9) return "load generator";
  if (others >= 0.3) return "contended";
  return "neither";
}

function mostCommon(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
}

/** Servers in a different order each repeat, so slow drifts in machine load hit them evenly. */
function rotated(rep: number): ServerSpec[] {
  const k = rep % servers.length;
  return [...servers.slice(k), ...servers.slice(0, k)];
}

type Raw = { server: string; rep: number; result: LoadResult; serverCpuTotalSec: number };
const raw: Record<string, Raw[]> = {};

function summarize(
  key: string,
  title: string,
  runs: Raw[],
  metrics: (r: LoadResult) => Record<string, number[]>,
  boundOf?: (r: LoadResult) => string[],
  skipped: Partial<Record<string, string>> = {},
  specs: ServerSpec[] = servers,
): ScenarioSummary {
  const out: ServerSummary[] = specs.map((spec) => {
    const mine = runs.filter((r) => r.server === spec.id);
    const merged: Record<string, number[]> = {};
    for (const r of mine) {
      if (!r.result.ok) continue;
      for (const [m, v] of Object.entries(metrics(r.result))) merged[m] = [...(merged[m] ?? []), ...v];
    }
    return {
      server: spec.id,
      label: spec.label,
      ok: mine.length > 0 && mine.every((r) => r.result.ok),
      errors: mine.reduce((a, r) => a + r.result.errors, 0),
      errorSamples: mine.flatMap((r) => r.result.errorSamples).slice(0, 5),
      ...(skipped[spec.id] ? { skipped: skipped[spec.id] } : {}),
      metrics: Object.fromEntries(Object.entries(merged).map(([m, v]) => [m, spread(v)])),
      ...(boundOf
        ? { bound: mostCommon(mine.filter((r) => r.result.ok).flatMap((r) => boundOf(r.result))) }
        : {}),
    };
  });
  return { key, title, servers: out };
}

/** Greeting round trips, connect–greet–close cycles and buzzer verdicts: a measured window each. */
async function windowed(key: "greet" | "cycle" | "verdict", title: string, mode: Mode, args: string[]) {
  const runs: Raw[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const spec of rotated(rep)) {
      const extra = mode === "buzzer" ? ["--control", spec.control] : [];
      try {
        const m = await measure(spec, mode, ["--scenario", key, ...args, ...extra], 120);
        runs.push({ server: spec.id, rep, ...m });
        const w = m.result.window;
        log(
          `[${elapsed()}] ${key} ${spec.label} rep ${rep + 1}: ${w ? `${w.rate.toFixed(0)}/s` : "-"} ` +
            `${m.result.ok ? "verified" : `FAILED ${m.result.errorSamples.join("; ")}`}`,
        );
      } catch (e) {
        log(`[${elapsed()}] ${key} ${spec.label} rep ${rep + 1}: ${(e as Error).message}`);
        runs.push({ server: spec.id, rep, result: failed(e), serverCpuTotalSec: Number.NaN });
      }
    }
  }
  raw[key] = runs;
  const shares = (r: LoadResult) => {
    const w = r.window;
    if (!w) return { server: Number.NaN, load: Number.NaN, others: Number.NaN };
    const others = Math.max(0, w.machineCpuSec - w.serverCpuSec - w.loadCpuSec);
    return { server: w.serverCpuSec / w.seconds, load: w.loadCpuSec / w.seconds, others: others / w.seconds };
  };
  return summarize(
    key,
    title,
    runs,
    (r): Record<string, number[]> => {
      const w = r.window;
      if (!w) return {};
      const s = shares(r);
      return {
        rate: [w.rate],
        p50: [w.p50Ms],
        p99: [w.p99Ms],
        cpuUs: [(w.serverCpuSec / w.count) * 1e6],
        serverPct: [s.server * 100],
        loadPct: [s.load * 100],
        othersPct: [s.others * 100],
      };
    },
    (r) => {
      const s = shares(r);
      return [bound(s.server, s.load, s.others)];
    },
  );
}

/**
 * Rounds of a burst run of `size` clients: round 0, in which the connections become players, then
 * enough fresh rounds for a median that a cold start's first rounds do not decide: at least 10, and
 * at least 50,000 buzzes in all (up to 50 rounds), the JIT compiling our code on the server's core
 * until its hot functions have run that often (a small burst's first rounds are mostly compiling).
 */
function burstRounds(size: number): number {
  return Math.max(reps, 10, Math.min(50, Math.ceil(50_000 / size)));
}

/** Bursts: one server start and one load generator run per size, `burstRounds(size)` rounds in it. */
async function bursts(): Promise<ScenarioSummary[]> {
  const out: ScenarioSummary[] = [];
  for (const size of plan.burstSizes) {
    const runs: Raw[] = [];
    const skipped: Record<string, string> = {};
    for (const spec of burstServers) {
      // Python needs ~20 s to open and burst the largest count: only the full run measures it there.
      if (spec.id === "python" && quick && size === maxClients) {
        skipped.python = "skipped in --quick (takes ~20 s at this size)";
        continue;
      }
      try {
        const args = ["--scenario", "burst", "--conns", String(size), "--rounds", String(burstRounds(size))];
        const m = await measure(spec, "buzzer", [...args, "--control", spec.control], 240);
        runs.push({ server: spec.id, rep: 0, ...m });
        const times = (m.result.rounds ?? []).map((r) => r.timeMs.toFixed(0)).join(", ");
        log(
          `[${elapsed()}] burst ${size} ${spec.label}: ${times} ms ` +
            `${m.result.ok ? "verified" : `FAILED ${m.result.errorSamples.join("; ")}`}`,
        );
      } catch (e) {
        log(`[${elapsed()}] burst ${size} ${spec.label}: ${(e as Error).message}`);
        runs.push({ server: spec.id, rep: 0, result: failed(e), serverCpuTotalSec: Number.NaN });
      }
    }
    raw[`burst${size}`] = runs;
    out.push(
      summarize(
        `burst${size}`,
        `${size.toLocaleString("en")} clients`,
        runs,
        (r) => {
          const rounds = r.rounds ?? [];
          const sum = (f: (x: (typeof rounds)[number]) => number) => rounds.reduce((a, x) => a + f(x), 0);
          const secs = sum((x) => x.timeMs) / 1000;
          const cpuUs = (x: (typeof rounds)[number]) => (x.serverCpuSec / size) * 1e6;
          // Round 0 is the one in which every connection becomes a player (ours joins it to the
          // room); the later rounds are decisions alone, each the first burst of a fresh round.
          return {
            joinMs: rounds.slice(0, 1).map((x) => x.timeMs),
            timeMs: rounds.slice(1).map((x) => x.timeMs),
            sendMs: rounds.map((x) => x.sendMs),
            joinCpuUs: rounds.slice(0, 1).map(cpuUs),
            cpuUs: rounds.slice(1).map(cpuUs),
            firstCpuUs: rounds.slice(1, 2).map(cpuUs),
            serverPct: [(sum((x) => x.serverCpuSec) / secs) * 100],
            loadPct: [(sum((x) => x.loadCpuSec) / secs) * 100],
            closeSec: [r.closeSec],
          };
        },
        (r) => {
          const rounds = r.rounds ?? [];
          const sum = (f: (x: (typeof rounds)[number]) => number) => rounds.reduce((a, x) => a + f(x), 0);
          const secs = sum((x) => x.timeMs) / 1000;
          const others =
            Math.max(
              0,
              sum((x) => x.machineCpuSec - x.serverCpuSec - x.loadCpuSec),
            ) / secs;
          return [bound(sum((x) => x.serverCpuSec) / secs, sum((x) => x.loadCpuSec) / secs, others)];
        },
        skipped,
        burstServers,
      ),
    );
  }
  return out;
}

/** Memory per idle connection: a fresh buzzer server per repeat, RSS before and after. */
async function idle(): Promise<ScenarioSummary> {
  const runs: Raw[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const spec of rotated(rep)) {
      try {
        const m = await measure(
          spec,
          "buzzer",
          ["--scenario", "idle", "--conns", String(plan.idleConns)],
          120,
        );
        runs.push({ server: spec.id, rep, ...m });
        log(
          `[${elapsed()}] idle ${spec.label} rep ${rep + 1}: ${m.result.idle?.kibPerConn.toFixed(2)} KiB/conn (anonymous ${m.result.idle?.anonKibPerConn.toFixed(2)})`,
        );
      } catch (e) {
        log(`[${elapsed()}] idle ${spec.label} rep ${rep + 1}: ${(e as Error).message}`);
        runs.push({ server: spec.id, rep, result: failed(e), serverCpuTotalSec: Number.NaN });
      }
    }
  }
  raw.idle = runs;
  return summarize(
    "idle",
    `${plan.idleConns.toLocaleString("en")} idle connections`,
    runs,
    (r): Record<string, number[]> =>
      r.idle
        ? {
            kib: [r.idle.kibPerConn],
            anonKib: [r.idle.anonKibPerConn],
            rssBeforeMiB: [r.idle.rssBeforeKiB / 1024],
            rssAfterMiB: [r.idle.rssAfterKiB / 1024],
          }
        : {},
  );
}

/** The fairness accuracy table: `bun bench/fairness.ts --quick`, its Markdown as printed. */
async function fairness(): Promise<string> {
  const proc = spawnTracked([process.execPath, "bench/fairness.ts", "--quick"], null);
  const [out, err] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
  ]);
  const code = await proc.exited;
  return code === 0 ? out.trim() : `bench/fairness.ts --quick failed (exit ${code}):\n${out}${err}`;
}

function version(cmd: string[]): string {
  const r = Bun.spawnSync(cmd);
  return (r.stdout.toString() || r.stderr.toString()).trim().split("\n")[0] ?? "?";
}

const wanted = (s: string) => !only || only.includes(s);
const { seconds, warmup } = plan;
const common = ["--seconds", String(seconds), "--warmup", String(warmup)];
const windows: ScenarioSummary[] = [];
if (wanted("greet"))
  windows.push(
    await windowed("greet", `greet: ${plan.greetConns} persistent connections`, "greet", [
      ...common,
      "--conns",
      String(plan.greetConns),
    ]),
  );
if (wanted("cycle"))
  windows.push(
    await windowed("cycle", `cycle: ${plan.cycleLoops} concurrent connect–greet–close loops`, "greet", [
      ...common,
      "--conns",
      String(plan.cycleLoops),
    ]),
  );
if (wanted("verdict"))
  windows.push(
    await windowed(
      "verdict",
      `verdict: ${plan.verdictConns} connections, ${plan.verdictRate} buzz/s each`,
      "buzzer",
      [
        "--seconds",
        String(seconds),
        // Past our server's clock probing of new players (about 1 s), so the window is steady state.
        "--warmup",
        "1.5",
        "--conns",
        String(plan.verdictConns),
        "--rate",
        String(plan.verdictRate),
      ],
    ),
  );
const burstSummaries = wanted("burst") ? await bursts() : [];
// Only ours has rooms: the references speak the plain-text protocol alone.
const oursSpec = servers.find((s) => s.id === "ours");
const roomRun =
  wanted("room") && oursSpec
    ? await rooms(
        plan.roomSizes,
        Math.max(reps, 10),
        (args, limitSec) => measure(oursSpec, "buzzer", [...args, "--control", oursSpec.control], limitSec),
        (line) => log(`[${elapsed()}] ${line}`),
      )
    : { summaries: [], raw: {} };
Object.assign(raw, roomRun.raw);
const idleSummary = wanted("idle") ? await idle() : { key: "idle", title: "idle", servers: [] };
const fairnessTable = values["skip-fairness"] ? "(skipped)" : await fairness();
log(`[${elapsed()}] done`);

const cpuModel = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "?";
const summary: RunSummary = {
  meta: {
    date: new Date().toISOString(),
    quick,
    reps,
    seconds,
    warmup,
    cpus: navigator.hardwareConcurrency,
    cpuModel,
    fileLimit: fileLimit(),
    maxClients,
    bun: Bun.version,
    node: version(["node", "--version"]),
    python: version([
      "/usr/bin/python3",
      "-c",
      "import sys, websockets; print(sys.version.split()[0], 'websockets', websockets.__version__)",
    ]),
    ws: JSON.parse(readFileSync(`${ROOT}node_modules/ws/package.json`, "utf8")).version,
    verdictRate: plan.verdictRate,
    verdictConns: plan.verdictConns,
    greetConns: plan.greetConns,
    cycleLoops: plan.cycleLoops,
    idleConns: plan.idleConns,
    spread: SPREAD,
    durationSec: Math.round((performance.now() - t0) / 1000),
  },
  windows,
  bursts: burstSummaries,
  rooms: roomRun.summaries,
  idle: idleSummary,
  fairness: fairnessTable,
};
const dir = `${ROOT}bench/results`;
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}/latest.json`, `${JSON.stringify({ summary, raw }, null, 1)}\n`);
writeFileSync(`${dir}/latest.md`, markdown(summary));
writeFileSync(`${dir}/chart.svg`, chartSvg(summary));
log(`wrote bench/results/latest.md, latest.json and chart.svg in ${elapsed()}`);
