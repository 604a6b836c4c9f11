/**
 * The bench runner (`bun run bench`, or `bun bench/run.ts --quick`, `--reps N`): starts each server
 * as its own process pinned to core 0 and the load generator pinned to core 1, runs every scenario
 * against ours, bare Bun, Node+ws and Python, and writes bench/results/latest.md, latest.json and
 * chart.svg. Every process it starts is killed when it ends, on error too.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { numberOption, parseOptions } from "../lib/options.ts";
import { bursts } from "./bursts.ts";
import { chartSvg } from "./chart.ts";
import type { LoadResult } from "./load_result.ts";
import { failed, measure, SPREAD } from "./measure.ts";
import { markdown } from "./report.ts";
import { rooms } from "./rooms.ts";
import {
  BARE_FAIR,
  BARE_ROOM,
  killOnExit,
  type Mode,
  ROOT,
  SERVERS,
  type ServerSpec,
  spawnTracked,
} from "./servers.ts";
import { bound, type Raw, summarize } from "./summarize.ts";
import type { RunSummary, ScenarioSummary } from "./summary.ts";

const program = "bench/run.ts";
const { values } = parseOptions(program, "Every scenario against ours, bare Bun, Node+ws and Python.", {
  quick: { type: "boolean", help: "2 repeats, 1 s windows (about 4 min)" },
  reps: { type: "string", value: "N", help: "repeats (default 5; 2 with --quick)" },
  only: { type: "string", value: "LIST", help: "scenarios: greet,cycle,verdict,burst,room,idle" },
  servers: {
    type: "string",
    value: "LIST",
    help: "servers: ours,bare,node,python,fair (bursts only),room (big rooms only)",
  },
  "skip-fairness": { type: "boolean", help: "leave out the fairness table" },
});
const quick = values.quick === true;
const reps = numberOption(program, "reps", values.reps ?? (quick ? 2 : 5), 1, 100);
const only = (values.only as string | undefined)?.split(",");
const serverIds = (values.servers as string | undefined)?.split(",");
const servers = serverIds ? SERVERS.filter((s) => serverIds.includes(s.id)) : SERVERS;
/** Bursts also measure bare Bun with a fair window: what a fair decision costs by itself. */
const burstServers = [...servers, ...(!serverIds || serverIds.includes("fair") ? [BARE_FAIR] : [])];
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

/** Servers in a different order each repeat, so slow drifts in machine load hit them evenly. */
function rotated(rep: number): ServerSpec[] {
  const k = rep % servers.length;
  return [...servers.slice(k), ...servers.slice(0, k)];
}

const raw: Record<string, Raw[]> = {};

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
        runs.push({ server: spec.id, rep, result: failed(key, 0, e), serverCpuTotalSec: Number.NaN });
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
  return summarize(key, title, runs, servers, {
    metrics: (r): Record<string, number[]> => {
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
    boundOf: (r) => {
      const s = shares(r);
      return [bound(s.server, s.load, s.others)];
    },
  });
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
        runs.push({
          server: spec.id,
          rep,
          result: failed("idle", plan.idleConns, e),
          serverCpuTotalSec: Number.NaN,
        });
      }
    }
  }
  raw.idle = runs;
  return summarize("idle", `${plan.idleConns.toLocaleString("en")} idle connections`, runs, servers, {
    metrics: (r): Record<string, number[]> =>
      r.idle
        ? {
            kib: [r.idle.kibPerConn],
            anonKib: [r.idle.anonKibPerConn],
            rssBeforeMiB: [r.idle.rssBeforeKiB / 1024],
            rssAfterMiB: [r.idle.rssAfterKiB / 1024],
          }
        : {},
  });
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
const burstRun = wanted("burst")
  ? await bursts({
      sizes: plan.burstSizes,
      specs: burstServers,
      reps,
      quick,
      maxClients,
      measure: (spec, args, limitSec) => measure(spec, "buzzer", args, limitSec),
      log: (line) => log(`[${elapsed()}] ${line}`),
    })
  : { summaries: [], raw: {} };
Object.assign(raw, burstRun.raw);
// Ours and the leanest room on bare Bun: the other references speak the plain-text protocol alone.
const roomSpecs = [
  ...servers.filter((s) => s.id === "ours"),
  ...(!serverIds || serverIds.includes("room") ? [BARE_ROOM] : []),
];
const roomRun =
  wanted("room") && roomSpecs.length > 0
    ? await rooms(
        plan.roomSizes,
        Math.max(reps, 10),
        roomSpecs,
        (spec, args, limitSec) => measure(spec, "buzzer", [...args, "--control", spec.control], limitSec),
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
  bursts: burstRun.summaries,
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
