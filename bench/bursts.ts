/**
 * The runner's bursts: at each size, every server in one load generator run of round 0 (in which
 * the connections become players) and then fresh rounds, every client sending `buzz` in the same
 * tick; summarized per server, round 0 apart from the decisions after it.
 */
import type { BurstRound, LoadResult } from "./load_result.ts";
import { failed, type Measured } from "./measure.ts";
import type { ServerSpec } from "./servers.ts";
import { bound, type Raw, summarize } from "./summarize.ts";
import type { ScenarioSummary } from "./summary.ts";

/** How the runner runs the bursts. */
export interface BurstPlan {
  sizes: number[];
  specs: ServerSpec[];
  reps: number;
  quick: boolean;
  /** The most clients this machine's open-file limit allows (the largest size). */
  maxClients: number;
  measure: (spec: ServerSpec, args: string[], limitSec: number) => Promise<Measured>;
  log: (line: string) => void;
}

/**
 * Rounds of a burst run of `size` clients: round 0, in which the connections become players, then
 * enough fresh rounds for a median that a cold start's first rounds do not decide: at least 10, and
 * at least 50,000 buzzes in all (up to 50 rounds), the JIT compiling our code on the server's core
 * until its hot functions have run that often (a small burst's first rounds are mostly compiling).
 */
function burstRounds(size: number, reps: number): number {
  return Math.max(reps, 10, Math.min(50, Math.ceil(50_000 / size)));
}

/** A run's figures: round 0 apart, then each fresh round's time and the server's CPU per buzz. */
function metrics(r: LoadResult, size: number): Record<string, number[]> {
  const rounds = r.rounds ?? [];
  const sum = (f: (x: BurstRound) => number) => rounds.reduce((a, x) => a + f(x), 0);
  const secs = sum((x) => x.timeMs) / 1000;
  const cpuUs = (x: BurstRound) => (x.serverCpuSec / size) * 1e6;
  // Round 0 is the one in which every connection becomes a player (ours joins it to the room);
  // the later rounds are decisions alone, each the first burst of a fresh round.
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
}

/** What bound a run over all its rounds: the server, the load generator, both, or the rest of the machine. */
function boundOf(rounds: BurstRound[]): string {
  const sum = (f: (x: BurstRound) => number) => rounds.reduce((a, x) => a + f(x), 0);
  const secs = sum((x) => x.timeMs) / 1000;
  const others =
    Math.max(
      0,
      sum((x) => x.machineCpuSec - x.serverCpuSec - x.loadCpuSec),
    ) / secs;
  return bound(sum((x) => x.serverCpuSec) / secs, sum((x) => x.loadCpuSec) / secs, others);
}

/** Runs the bursts at every size: one fresh server and one load generator run per server and size. */
export async function bursts(
  plan: BurstPlan,
): Promise<{ summaries: ScenarioSummary[]; raw: Record<string, Raw[]> }> {
  const summaries: ScenarioSummary[] = [];
  const raw: Record<string, Raw[]> = {};
  for (const size of plan.sizes) {
    const runs: Raw[] = [];
    const skipped: Record<string, string> = {};
    for (const spec of plan.specs) {
      // Python needs ~20 s to open and burst the largest count: only the full run measures it there.
      if (spec.id === "python" && plan.quick && size === plan.maxClients) {
        skipped.python = "skipped in --quick (takes ~20 s at this size)";
        continue;
      }
      const rounds = burstRounds(size, plan.reps);
      const args = ["--scenario", "burst", "--conns", String(size), "--rounds", String(rounds)];
      try {
        const m = await plan.measure(spec, [...args, "--control", spec.control], 240);
        runs.push({ server: spec.id, rep: 0, ...m });
        const times = (m.result.rounds ?? []).map((r) => r.timeMs.toFixed(0)).join(", ");
        const verified = m.result.ok ? "verified" : `FAILED ${m.result.errorSamples.join("; ")}`;
        plan.log(`burst ${size} ${spec.label}: ${times} ms ${verified}`);
      } catch (e) {
        plan.log(`burst ${size} ${spec.label}: ${(e as Error).message}`);
        runs.push({
          server: spec.id,
          rep: 0,
          result: failed("burst", size, e),
          serverCpuTotalSec: Number.NaN,
        });
      }
    }
    raw[`burst${size}`] = runs;
    summaries.push(
      summarize(`burst${size}`, `${size.toLocaleString("en")} clients`, runs, plan.specs, {
        metrics: (r) => metrics(r, size),
        boundOf: (r) => [boundOf(r.rounds ?? [])],
        skipped,
      }),
    );
  }
  return { summaries, raw };
}
