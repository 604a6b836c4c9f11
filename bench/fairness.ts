/**
 * Fair-ordering accuracy: the same simulated games ranked by corrected press time (ours) and by
 * arrival (what other buzzers do). Prints a Markdown table. Usage: bun bench/fairness.ts [--quick] [--redis]
 */
import { parseOptions } from "../lib/options.ts";
import { loopbackLatency, playGames, quantileAbs, score } from "./fairness/game.ts";

const { values } = parseOptions(
  "bench/fairness.ts",
  "Fair ordering: simulated games ranked by press time (ours) and by arrival; a Markdown table.",
  {
    quick: { type: "boolean", help: "fewer games and rounds (what bun run bench appends)" },
    redis: {
      type: "boolean",
      help: "also play the uneven games across three server processes sharing rooms through redis-server",
    },
  },
);
const quick = values.quick === true;
const base = {
  rooms: quick ? 4 : 10,
  rounds: quick ? 5 : 20,
  players: 4,
  jitter: 20,
  drift: 1e-4,
  minGap: 10,
  seed: 3,
};
const scenarios = [
  { name: "loopback (RTT 0, ±1 ms)", rttMax: 0, jitter: 1 },
  { name: "LAN/Wi-Fi (RTT 0–50 ms)", rttMax: 50 },
  { name: "mixed (RTT 0–150 ms)", rttMax: 150 },
  { name: "uneven (RTT 0–300 ms)", rttMax: 300 },
  { name: "uneven + 40 ms asymmetry", rttMax: 300, asymmetry: 40 },
  ...(values.redis === true ? [{ name: "uneven, 3 processes (Redis)", rttMax: 300, processes: 3 }] : []),
];

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
const ms = (v: number) => `${v.toFixed(1)} ms`;
console.log(
  `Presses ≥ 10 ms apart, ±20 ms jitter each way, clocks hours apart drifting up to 100 ppm, 4 players a room.\n`,
);
console.log("| scenario | trials | ordering | right winner | right order | gap error p50 | p95 | max |");
console.log("|---|---:|---|---:|---:|---:|---:|---:|");
for (const s of scenarios) {
  const games = await playGames({ ...base, ...s });
  for (const [label, key] of [
    ["press time (ours)", (r: (typeof games)[number]) => r.record.press],
    ["arrival (others)", (r: (typeof games)[number]) => r.record.arrival],
  ] as const) {
    const a = score(games, key);
    const e = a.gapErrors;
    console.log(
      `| ${s.name} | ${a.trials} | ${label} | ${pct(a.winners, a.trials)} | ${pct(a.orders, a.trials)} | ${ms(quantileAbs(e, 0.5))} | ${ms(quantileAbs(e, 0.95))} | ${ms(quantileAbs(e, 1))} |`,
    );
  }
}
const latencies = await loopbackLatency(quick ? 20 : 100);
console.log(
  `\nLoopback press → first place!: p50 ${ms(quantileAbs(latencies, 0.5))}, p95 ${ms(quantileAbs(latencies, 0.95))}, max ${ms(quantileAbs(latencies, 1))} over ${latencies.length} rounds.`,
);
