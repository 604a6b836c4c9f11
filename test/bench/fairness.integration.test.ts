import { beforeAll, describe, expect, test } from "bun:test";
import { type GameOptions, type PressResult, quantileAbs, score } from "../../bench/fairness/game.ts";
import { MARGIN, MAX_COMPENSATION } from "../../buzzer/fair.ts";
import { hasRedis, ROOT, run } from "../support.ts";

/** Runs the harness in a process of its own, so this runner's event loop cannot skew its network. */
async function play<T>(args: string[]): Promise<T> {
  const proc = Bun.spawn([process.execPath, "bench/fairness/play.ts", ...args], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "inherit",
  });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`the fairness harness exited with ${code}`);
  return JSON.parse(out) as T;
}
const playGames = (o: GameOptions) => play<PressResult[]>([JSON.stringify(o)]);
const loopbackLatency = (rounds: number) => play<number[]>(["latency", String(rounds)]);

/** Slack left for the scheduler: a round counts as decided by the links only with this much to spare, in ms. */
const SPARE = 30;

/**
 * The rounds whose messages must reach the server out of press order whatever the jitter: a later
 * presser's slowest possible arrival still beats the first presser's fastest by SPARE ms.
 */
function outOfOrderRounds(results: PressResult[], jitter: number): PressResult[][] {
  const rounds = [...Map.groupBy(results, (r) => `${r.room}/${r.round}`).values()];
  return rounds.filter((presses) => {
    const [first, ...rest] = [...presses].sort((a, b) => a.truePress - b.truePress);
    if (!first) return false;
    const earliest = first.truePress + first.up - jitter;
    return rest.some((p) => p.truePress + p.up + jitter + SPARE < earliest);
  });
}

/** The press a key puts first in a round. */
const firstBy = (presses: PressResult[], key: (r: PressResult) => number) =>
  [...presses].sort((a, b) => key(a) - key(b))[0];

/** Uneven links: round trips 0–300 ms, ±20 ms jitter each way, clocks hours apart drifting 100 ppm. */
const UNEVEN = {
  rooms: 10,
  rounds: 10,
  players: 4,
  rttMax: 300,
  jitter: 20,
  drift: 1e-4,
  minGap: 10,
  seed: 7,
};

describe("fairness harness", () => {
  let games: PressResult[];
  beforeAll(async () => {
    games = await playGames(UNEVEN);
  }, 60_000);

  test("the true first presser wins every trial, presses ≥ 10 ms apart", () => {
    const ours = score(games, (r) => r.record.press);
    expect(ours.trials).toBe(UNEVEN.rooms * UNEVEN.rounds);
    expect(ours.winners).toBe(ours.trials);
    // The whole order, not just the winner, is right in nearly every trial.
    expect(ours.orders / ours.trials).toBeGreaterThanOrEqual(0.97);
  });

  test("arrival order, what other buzzers use, names the wrong winner where the links reorder the presses", async () => {
    // Close finishes (10–30 ms apart) on the same uneven links: many rounds where a later press must
    // arrive first. Judged only on those, so no count depends on how busy the machine is.
    const close = await playGames({ ...UNEVEN, rooms: 20, maxGap: 30 });
    const reordered = outOfOrderRounds(close, UNEVEN.jitter);
    // About 18 such rounds in these seeded games; the floor only guards against a vacuous pass.
    expect(reordered.length).toBeGreaterThanOrEqual(8);
    for (const presses of reordered) {
      const truth = firstBy(presses, (r) => r.truePress);
      expect(firstBy(presses, (r) => r.record.arrival)).not.toBe(truth);
      expect(firstBy(presses, (r) => r.record.press)).toBe(truth);
    }
  }, 60_000);

  test("reported gaps are within ±5 ms of the true gaps at the 95th percentile", () => {
    const ours = score(games, (r) => r.record.press);
    expect(ours.gapErrors).toHaveLength(UNEVEN.rooms * UNEVEN.rounds * (UNEVEN.players - 1));
    expect(quantileAbs(ours.gapErrors, 0.95)).toBeLessThanOrEqual(5);
  });

  test("a press time forged 1 s early gains no more than the forger's measured round trip plus the margin", async () => {
    const forged = (await playGames({ ...UNEVEN, rooms: 4, rounds: 3, forgers: 1, seed: 11 })).filter(
      (r) => r.forged,
    );
    expect(forged).toHaveLength(12);
    for (const r of forged) {
      expect(r.record.bound).toBe("early");
      const gain = r.truePress - r.record.press;
      expect(gain).toBeLessThanOrEqual(r.record.allowance + 0.01);
      // And never more than the cap, however its round trips were measured. (How close the measured
      // allowance comes to the true round trip depends on how busy the machine is: a bench figure.)
      expect(r.record.allowance).toBeLessThanOrEqual(MAX_COMPENSATION + MARGIN);
    }
  }, 60_000);

  // How fast is a bench figure (bun bench/fairness.ts): timing it here would fail on a busy machine.
  test("on loopback the only presser gets first place! every round", async () => {
    // The harness throws on any other place; a missing verdict times out after 10 s.
    expect(await loopbackLatency(5)).toHaveLength(5);
  }, 30_000);
});

describe("fairness harness across processes (Redis)", () => {
  const redisAvailable = hasRedis();
  /** The same uneven games, the players spread over three server processes sharing the rooms. */
  const SPREAD = { ...UNEVEN, processes: 3 };

  test.if(redisAvailable)(
    "the true first presser wins every trial the server did not call a photo finish, and gaps are within ±8 ms at the 95th percentile",
    async () => {
      const games = await playGames(SPREAD);
      const ours = score(games, (r) => r.record.press);
      expect(ours.trials).toBe(SPREAD.rooms * SPREAD.rounds);
      // Three processes and Redis on a busy two-core machine add scheduling noise to every clock
      // reading: a true winner placed second is excused only where the server itself flagged the
      // two presses as closer than their uncertainty, and only rarely (the bench,
      // bench/fairness/cluster.ts, measures how close the figures come on a quiet machine).
      const excused = games.filter((r) => r.record.place === 2 && r.record.photo && isTrueFirst(games, r));
      expect(excused.length).toBeLessThanOrEqual(2);
      expect(ours.winners + excused.length).toBe(ours.trials);
      expect(quantileAbs(ours.gapErrors, 0.95)).toBeLessThanOrEqual(8);
    },
    90_000,
  );

  test.if(redisAvailable)(
    "a press time forged 1 s early gains no more than the forger's allowance, whatever process it reaches",
    async () => {
      const games = await playGames({ ...SPREAD, rooms: 4, rounds: 3, forgers: 1, seed: 11 });
      const forged = games.filter((r) => r.forged);
      expect(forged).toHaveLength(12);
      for (const r of forged) {
        expect(r.record.bound).toBe("early");
        expect(r.truePress - r.record.press).toBeLessThanOrEqual(r.record.allowance + 0.01);
        expect(r.record.allowance).toBeLessThanOrEqual(MAX_COMPENSATION + MARGIN);
      }
    },
    90_000,
  );
});

describe("bench/fairness.ts", () => {
  test("--help lists its options and plays no game; an unknown option is refused", async () => {
    const help = await run([process.execPath, "bench/fairness.ts", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toStartWith("Usage: bun bench/fairness.ts [options]\n");
    expect(help.stdout).toContain("--quick");
    expect(help.stdout).not.toContain("| scenario |");
    const typo = await run([process.execPath, "bench/fairness.ts", "--quik"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("bench/fairness.ts: Unknown option '--quik' (see --help)\n");
    expect(typo.stdout).toBe("");
  });
});

/** Whether a press was the true first of its round. */
function isTrueFirst(games: readonly PressResult[], r: PressResult): boolean {
  return games.every((o) => o.room !== r.room || o.round !== r.round || o.truePress >= r.truePress);
}
