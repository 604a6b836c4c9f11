import { describe, expect, test } from "bun:test";
import { bursts } from "../../bench/bursts.ts";
import { type BurstRound, newResult } from "../../bench/load_result.ts";
import type { Measured } from "../../bench/measure.ts";
import { SERVERS, type ServerSpec } from "../../bench/servers.ts";

const [ours, bare, , python] = SERVERS as [ServerSpec, ServerSpec, ServerSpec, ServerSpec];

/** A round whose last verdict came after `timeMs`, the server using `cpuSec` over it. */
function round(timeMs: number, cpuSec: number): BurstRound {
  const cpu = { serverCpuSec: cpuSec, loadCpuSec: 0, machineCpuSec: cpuSec };
  return { timeMs, sendMs: 1, verdicts: 0, firstPlaces: 1, serverThreads: {}, ...cpu };
}

/** A run that measured `rounds`, every reply checked. */
function run(rounds: BurstRound[]): Measured {
  return { result: { ...newResult("burst", "", 0), ok: true, rounds }, serverCpuTotalSec: 1 };
}

describe("bursts", () => {
  test("summarizes round 0 apart from the decisions after it, CPU per buzz per round", async () => {
    const runs: Record<string, Measured> = {
      ours: run([round(100, 0.05), round(20, 0.02), round(30, 0.03)]),
      bare: run([round(25, 0.02), round(10, 0.01), round(12, 0.012)]),
    };
    const { summaries, raw } = await bursts({
      sizes: [1000],
      specs: [ours, bare],
      reps: 1,
      quick: false,
      maxClients: 19_900,
      measure: async (spec) => runs[spec.id] as Measured,
      log: () => {},
    });
    expect(Object.keys(raw)).toEqual(["burst1000"]);
    const [summary] = summaries;
    const m = summary?.servers.find((s) => s.server === "ours")?.metrics;
    expect(m?.joinMs?.median).toBe(100);
    expect(m?.timeMs?.median).toBe(25);
    // 0.02 s and 0.03 s of CPU over 1,000 buzzes each.
    expect(m?.cpuUs?.min).toBeCloseTo(20);
    expect(m?.cpuUs?.max).toBeCloseTo(30);
    expect(m?.firstCpuUs?.median).toBeCloseTo(20);
  });

  test("keeps a server that failed as an error, and leaves Python out of a quick run's largest size", async () => {
    const { summaries } = await bursts({
      sizes: [19_900],
      specs: [ours, python],
      reps: 1,
      quick: true,
      maxClients: 19_900,
      measure: async () => {
        throw new Error("server exited");
      },
      log: () => {},
    });
    const [o, p] = summaries[0]?.servers ?? [];
    expect(o).toMatchObject({ server: "ours", ok: false, errors: 1, errorSamples: ["server exited"] });
    expect(p).toMatchObject({
      server: "python",
      ok: false,
      skipped: "skipped in --quick (takes ~20 s at this size)",
    });
  });
});
