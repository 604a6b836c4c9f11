/**
 * The soak run: our buzzer under a steady, realistic game for M minutes, sampling the server's RSS
 * and CPU and the players' verdict latency, ending with a verdict: flat or growing. The game is a
 * worker process (bench/soak/game.ts); bench/README.md explains what is measured. Writes
 * bench/results/soak.md (or --out) and prints the same Markdown.
 */
import { parseOptions } from "../lib/options.ts";
import { guard, LOAD_CORE, now, numbers, publish, SERVER_CORE, sleep } from "./harness.ts";
import { cpuMark, cpuShares, rssKiB } from "./procfs.ts";
import { SECRET, SERVERS, startServer } from "./servers.ts";
import { checkDelay, type Final, type GameConfig, type Interval } from "./soak/plan.ts";
import { report, type Sample } from "./soak/report.ts";
import { Worker } from "./worker.ts";

const program = "bench/soak.ts";
const { values } = parseOptions(program, "Our buzzer under a steady game: is memory or latency growing?", {
  minutes: { type: "string", default: "3", value: "M", help: "how long" },
  quick: { type: "boolean", help: "30 s, sampled every 5 s, 10 s warm-up (for development)" },
  interval: { type: "string", value: "S", help: "seconds between samples (10; 5 with --quick)" },
  warmup: { type: "string", value: "S", help: "seconds left out of the verdict (30; 10 with --quick)" },
  plain: { type: "string", default: "500", value: "N", help: "plain-text players" },
  json: { type: "string", default: "50", value: "N", help: "JSON players answering clock probes" },
  period: { type: "string", default: "4000", value: "MS", help: "a new round every MS" },
  spread: {
    type: "string",
    default: "2000",
    value: "MS",
    help: "players buzz at random in the round's first MS",
  },
  mash: { type: "string", default: "0.1", value: "F", help: "share of players who buzz twice in a round" },
  "churn-plain": {
    type: "string",
    default: "10",
    value: "N",
    help: "plain-text players replaced after each round",
  },
  "churn-json": {
    type: "string",
    default: "1",
    value: "N",
    help: "JSON players reconnecting after each round",
  },
  out: { type: "string", default: "bench/results/soak.md", value: "FILE", help: "where the report goes" },
});
const quick = values.quick === true;
const o = numbers(
  program,
  {
    ...values,
    minutes: quick ? "0.5" : values.minutes,
    interval: values.interval ?? (quick ? "5" : "10"),
    warmup: values.warmup ?? (quick ? "10" : "30"),
  },
  {
    minutes: [0.05, 24 * 60],
    interval: [0.5, 3600],
    warmup: [0, 24 * 3600],
    plain: [0, 20_000],
    json: [0, 5000],
    period: [500, 600_000],
    spread: [0, 600_000],
    mash: [0, 1],
    "churn-plain": [0, 20_000],
    "churn-json": [0, 5000],
  },
);
try {
  checkDelay(o.period, o.spread);
} catch (e) {
  console.error(`${program}: ${(e as Error).message}`);
  process.exit(2);
}
const seconds = o.minutes * 60;
guard(program, seconds + 120);

const ours = SERVERS.find((s) => s.id === "ours");
if (!ours) throw new Error("no server 'ours' in bench/servers.ts");
const server = await startServer(ours, "buzzer", SERVER_CORE);
const game: GameConfig = {
  url: server.url,
  plain: o.plain,
  json: o.json,
  period: o.period,
  spread: o.spread,
  mash: o.mash,
  churnPlain: o["churn-plain"],
  churnJson: o["churn-json"],
};
const worker = new Worker("game", "bench/soak/game.ts", [JSON.stringify(game)], LOAD_CORE);
const samples: Sample[] = [];
let final: Final | null = null;
let rssStartMiB = Number.NaN;
try {
  const ready = await worker.json<{ players: number }>(60_000);
  rssStartMiB = rssKiB(server.pid) / 1024;
  console.error(`soak: ${ready.players} players connected, server RSS ${rssStartMiB.toFixed(1)} MiB`);
  const t0 = now();
  let a = cpuMark(server.pid, [worker.pid]);
  for (let k = 1; k * o.interval <= seconds + 1e-9; k++) {
    await sleep(Math.max(0, t0 + k * o.interval * 1000 - now()));
    worker.send("sample");
    const b = cpuMark(server.pid, [worker.pid]);
    const rssMiB = rssKiB(server.pid) / 1024;
    const s: Sample = {
      ...(await worker.json<Interval>(10_000)),
      t: k * o.interval,
      rssMiB,
      ...cpuShares(a, b),
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
  worker.send("quit");
  final = await worker.json<Final>(20_000);
} finally {
  worker.kill();
  await server.stop();
}
const markdown = report(samples, final, {
  command: ["bun", program, ...process.argv.slice(2)].join(" "),
  serverCmd: ours.command("buzzer", "0.0.0.0").slice(1).join(" ").replace(SECRET, "…"),
  serverCore: SERVER_CORE,
  loadCore: LOAD_CORE,
  seconds,
  interval: o.interval,
  warmup: o.warmup,
  game,
  rssStartMiB,
});
publish(String(values.out), markdown);
