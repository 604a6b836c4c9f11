/**
 * The flood figure: what one abusive client costs honest players. Our buzzer (default limits) on one
 * core; honest players, then also a flooder, as worker processes on the other; unloaded, flooded and
 * after the flood, on a fresh server per repeat. bench/README.md explains what is measured. Writes
 * bench/results/hardening.md (or --out) and prints the same Markdown.
 */
import { parseOptions } from "../lib/options.ts";
import type { FloodTotal, FloodWindow, HonestWindow, Phase, Rep } from "./hardening/figures.ts";
import type { FloodConfig } from "./hardening/flood.ts";
import type { HonestConfig } from "./hardening/honest.ts";
import { report } from "./hardening/report.ts";
import { guard, LOAD_CORE, now, numbers, publish, SERVER_CORE, sleep } from "./harness.ts";
import { cpuMark, cpuShares, rssKiB } from "./procfs.ts";
import { SECRET, type ServerSpec, startServer } from "./servers.ts";
import { Worker } from "./worker.ts";

const program = "bench/hardening.ts";
const { values } = parseOptions(
  program,
  "One flooding client against honest players: their verdict latency.",
  {
    reps: { type: "string", default: "3", value: "N", help: "repeats, each on a fresh server" },
    seconds: { type: "string", default: "10", value: "T", help: "each measured phase, unloaded and flooded" },
    warmup: {
      type: "string",
      default: "2",
      value: "W",
      help: "seconds after the honest players' first verdicts",
    },
    ramp: { type: "string", default: "1", value: "R", help: "seconds of flood before the flooded window" },
    after: {
      type: "string",
      default: "4",
      value: "A",
      help: "seconds measured after the flood stops (0 skips)",
    },
    rate: { type: "string", default: "10000", value: "R", help: "the flooder's messages per second" },
    message: { type: "string", default: "buzz", value: "TEXT", help: "what the flooder sends" },
    honest: { type: "string", default: "200", value: "N", help: "honest plain-text players" },
    "honest-rate": { type: "string", default: "4", value: "R", help: "buzzes a second per honest player" },
    limit: { type: "string", default: "240", value: "S", help: "hard time limit for the whole run" },
    out: {
      type: "string",
      default: "bench/results/hardening.md",
      value: "FILE",
      help: "where the report goes",
    },
  },
);
const o = numbers(program, values, {
  reps: [1, 100],
  seconds: [0.1, 3600],
  warmup: [0, 600],
  ramp: [0, 600],
  after: [0, 3600],
  rate: [1, 1_000_000],
  honest: [1, 20_000],
  "honest-rate": [0.1, 1000],
  limit: [1, 86_400],
});
guard(program, o.limit);

/** Our buzzer as deployed: default limits (bench/servers.ts raises the join allowance; here the limits are measured). */
const SERVER_ARGS = ["buzzer/buzzer_server.ts", "--quiet", "--secret", SECRET];
const OURS: ServerSpec = {
  id: "ours",
  label: "ours",
  command: (_mode, host) => [process.execPath, ...SERVER_ARGS, "--host", host, "--port", "0"],
  control: `host:${SECRET}`,
};
const t0 = now();
const log = (line: string) => console.error(`[${((now() - t0) / 1000).toFixed(0)}s] ${line}`);
const ms = (x: number) => `${x.toFixed(2)} ms`;

/** One repeat: a fresh server, the honest worker, three phases, the flooder in the middle one. */
async function repeat(rep: number): Promise<Rep> {
  const server = await startServer(OURS, "buzzer", SERVER_CORE);
  const workers: Worker[] = [];
  const spawn = (name: string, config: HonestConfig | FloodConfig) => {
    const w = new Worker(name, `bench/hardening/${name}.ts`, [JSON.stringify(config)], LOAD_CORE);
    workers.push(w);
    return w;
  };
  const edge = () => ({
    cpu: cpuMark(
      server.pid,
      workers.map((w) => w.pid),
    ),
    rssKiB: rssKiB(server.pid),
  });
  /** One measured window: every listed worker starts and stops counting at the same edges. */
  const phase = async (seconds: number, honest: Worker, flood?: Worker): Promise<Phase> => {
    const a = edge();
    honest.send("start");
    flood?.send("start");
    await sleep(seconds * 1000);
    flood?.send("stop");
    honest.send("stop");
    const b = edge();
    const floodWindow = flood ? await flood.json<FloodWindow>(10_000) : undefined;
    return {
      ...cpuShares(a.cpu, b.cpu),
      honest: await honest.json<HonestWindow>(10_000),
      ...(floodWindow ? { flood: floodWindow } : {}),
      rssStartMiB: a.rssKiB / 1024,
      rssEndMiB: b.rssKiB / 1024,
    };
  };
  try {
    const honest = spawn("honest", { url: server.url, players: o.honest, perSecond: o["honest-rate"] });
    const ready = await honest.json<{ players: number; errors: number; errorSamples: string[] }>(30_000);
    if (ready.errors) log(`rep ${rep}: honest setup errors: ${ready.errorSamples.join("; ")}`);
    await sleep(o.warmup * 1000);
    const unloaded = await phase(o.seconds, honest);
    log(`rep ${rep} unloaded: p50 ${ms(unloaded.honest.p50Ms)} p99 ${ms(unloaded.honest.p99Ms)}`);

    const flood = spawn("flood", { url: server.url, rate: o.rate, message: String(values.message) });
    await flood.json(10_000);
    await sleep(o.ramp * 1000);
    const flooded = await phase(o.seconds, honest, flood);
    const floodTotal = await flood.quit<FloodTotal>();
    log(
      `rep ${rep} flooded: p50 ${ms(flooded.honest.p50Ms)} p99 ${ms(flooded.honest.p99Ms)}, ` +
        `flood sent ${flooded.flood?.sent}, 4002 closes ${flooded.flood?.closes["4002"] ?? 0}`,
    );
    let after: Phase | null = null;
    if (o.after > 0) {
      await sleep(500);
      after = await phase(o.after, honest);
      log(`rep ${rep} after: p50 ${ms(after.honest.p50Ms)} p99 ${ms(after.honest.p99Ms)}`);
    }
    const end = await honest.quit<{ errors: number; errorSamples: string[] }>();
    return {
      rep,
      players: ready.players,
      unloaded,
      flooded,
      after,
      floodTotal,
      honestErrors: end ? end.errors : Number.NaN,
      honestErrorSamples: end ? end.errorSamples : ["the honest worker did not report at its end"],
      serverExited: server.proc.exitCode !== null,
    };
  } finally {
    for (const w of workers) w.kill();
    await server.stop();
  }
}

const reps: Rep[] = [];
for (let rep = 1; rep <= o.reps; rep++) reps.push(await repeat(rep));
const markdown = report(
  reps,
  {
    command: ["bun", program, ...process.argv.slice(2)].join(" "),
    serverCmd: [...SERVER_ARGS, "--host 0.0.0.0 --port 0"].join(" "),
    serverCore: SERVER_CORE,
    loadCore: LOAD_CORE,
    seconds: o.seconds,
    ramp: o.ramp,
    after: o.after,
    rate: o.rate,
    message: String(values.message),
    honest: o.honest,
    honestRate: o["honest-rate"],
  },
  (now() - t0) / 1000,
);
publish(String(values.out), markdown);
