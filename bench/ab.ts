/**
 * Before/after in one run: our server from another checkout (`--base DIR`, e.g. a `git archive` of
 * main) and from this one, beside a reference (bare Bun and bare fair in bursts, the bare room in
 * the big room), taking turns per repeat so the machine's drifts hit them alike. One scenario (burst or room) at one size; per server the median and min–max over
 * repeats of the time to the last verdict and of server CPU per buzz, round 0 apart from the rest
 * (in a burst, round 0 is the one in which plain connections become players), then that CPU by
 * server thread.
 */
import { parseOptions } from "../lib/options.ts";
import { numbers } from "./harness.ts";
import type { LoadResult } from "./load_result.ts";
import { measure } from "./measure.ts";
import { BARE_FAIR, BARE_ROOM, killOnExit, SERVERS, type ServerSpec } from "./servers.ts";
import { spread } from "./stats.ts";

const program = "bench/ab.ts";
const { values } = parseOptions(program, "Ours before and after, beside bare Bun, in one run.", {
  base: {
    type: "string",
    value: "DIR",
    help: "the checkout to compare against (its buzzer/buzzer_server.ts)",
  },
  scenario: { type: "string", default: "burst", value: "S", help: "burst | room" },
  conns: { type: "string", default: "5000", value: "N", help: "connections" },
  rounds: { type: "string", default: "5", value: "R", help: "rounds per repeat" },
  reps: { type: "string", default: "5", value: "K", help: "repeats (a fresh server each)" },
  servers: {
    type: "string",
    default: "base,ours,bare",
    value: "LIST",
    help: "base, ours, bare, fair (bursts), room (the big room)",
  },
});
const n = numbers(program, values, { conns: [1, 100_000], rounds: [1, 100], reps: [1, 100] });
const scenario = String(values.scenario);
killOnExit(program);

const ours = SERVERS[0] as ServerSpec;
const bare = SERVERS[1] as ServerSpec;
const base = values.base as string | undefined;
const specs: Record<string, ServerSpec> = {
  ours,
  bare,
  fair: BARE_FAIR,
  room: BARE_ROOM,
  ...(base && {
    base: {
      ...ours,
      id: "ours",
      label: "base",
      command: (mode, host) =>
        ours.command(mode, host).map((a) => (a === "buzzer/buzzer_server.ts" ? `${base}/${a}` : a)),
    },
  }),
};
const chosen = String(values.servers)
  .split(",")
  .filter((id) => specs[id] && (scenario === "room" ? id !== "bare" && id !== "fair" : id !== "room"));

/** One fresh server, one load generator run (10 minutes at most). */
async function once(spec: ServerSpec): Promise<LoadResult> {
  const args = ["--scenario", scenario, "--conns", String(n.conns), "--rounds", String(n.rounds)];
  return (await measure(spec, "buzzer", [...args, "--control", spec.control], 600)).result;
}

type Rounds = { timeMs: number; serverCpuSec: number; serverThreads: Record<string, number> }[];
const results: Record<string, { first: Rounds; rest: Rounds }[]> = {};
for (let rep = 0; rep < n.reps; rep++) {
  const order = chosen.map((_, i) => chosen[(i + rep) % chosen.length] as string);
  for (const id of order) {
    const r = await once(specs[id] as ServerSpec);
    const rounds: Rounds = (scenario === "room" ? r.room?.rounds : r.rounds) ?? [];
    const times = rounds.map((x) => x.timeMs.toFixed(0)).join(" ");
    const cpu = rounds.map((x) => ((x.serverCpuSec / n.conns) * 1e6).toFixed(0)).join(" ");
    console.error(`rep ${rep} ${id}: ms ${times} | cpu us/buzz ${cpu} ${r.ok ? "ok" : r.errorSamples}`);
    if (!r.ok) continue;
    results[id] ??= [];
    // In the room scenario every round is one of players already in the room.
    const split = scenario === "room" ? 0 : 1;
    results[id].push({ first: rounds.slice(0, split), rest: rounds.slice(split) });
  }
}

const fmt = (s: ReturnType<typeof spread>) =>
  `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)}, n ${s.n})`;
const cpuUs = (rs: Rounds) => (rs.reduce((a, x) => a + x.serverCpuSec, 0) / (n.conns * rs.length)) * 1e6;
console.log(`${scenario} ${n.conns} × ${n.rounds} rounds × ${n.reps} reps`);
console.log("| server | part | last verdict ms | server CPU µs/buzz (per repeat) |\n|---|---|--:|--:|");
for (const id of chosen) {
  const runs = results[id] ?? [];
  for (const part of ["first", "rest"] as const) {
    const rs = runs.map((x) => x[part]).filter((x) => x.length > 0);
    if (rs.length === 0) continue;
    const times = spread(rs.flat().map((x) => x.timeMs));
    const cpu = spread(rs.map(cpuUs));
    console.log(`| ${id} | ${part === "first" ? "round 0" : "rounds 1+"} | ${fmt(times)} | ${fmt(cpu)} |`);
  }
}

// Where each server's CPU in the measured rounds went, by thread: on its one core, what the
// runtime's threads beside the event loop take (compiling, faulting in heap) is time the loop waits.
console.log("\n| server | CPU per buzz by thread, rounds 1+ (µs, mean over rounds) |\n|---|---|");
for (const id of chosen) {
  const rounds = (results[id] ?? []).flatMap((x) => x.rest);
  if (rounds.length === 0) continue;
  const sums: Record<string, number> = {};
  for (const r of rounds)
    for (const [name, sec] of Object.entries(r.serverThreads)) sums[name] = (sums[name] ?? 0) + sec;
  const parts = Object.entries(sums)
    .map(([name, sec]) => [name, (sec / (n.conns * rounds.length)) * 1e6] as const)
    .filter(([, us]) => us >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => `${name} ${us.toFixed(1)}`);
  console.log(`| ${id} | ${parts.join(", ")} |`);
}
