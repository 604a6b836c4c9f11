import { beforeAll, describe, expect, test } from "bun:test";
import { type Accuracy, type PressResult, quantileAbs, score, UNEVEN } from "../../bench/fairness/game.ts";
import { MARGIN, MAX_COMPENSATION } from "../../buzzer/fair.ts";
import { firstBy, outOfOrderRounds, simulate } from "./fair_sim.ts";

/** Half a second of work on a quiet machine; on a loaded one it may take ten times that: this only stops a hang. */
const SIMULATION = 60_000;

// The gateway and the owner as the server runs them, on simulated links in fake time (fair_sim.ts):
// every figure is the same on a quiet machine and a busy one. The same games through real sockets
// and timers are the bench's (bun bench/fairness.ts).
describe("fair ordering (gateway and owner on simulated links)", () => {
  let games: PressResult[];
  let ours: Accuracy;
  beforeAll(() => {
    games = simulate(UNEVEN);
    ours = score(games, (r) => r.record.press);
  }, SIMULATION);

  test("the true first presser is placed first in every trial, presses ≥ 10 ms apart", () => {
    expect(games).toHaveLength(UNEVEN.rooms * UNEVEN.rounds * UNEVEN.players);
    expect(ours.trials).toBe(UNEVEN.rooms * UNEVEN.rounds);
    expect(ours.winners).toBe(ours.trials);
    const placedFirst = games.filter((r) => r.record.place === 1);
    expect(placedFirst).toHaveLength(ours.trials);
    for (const r of placedFirst) {
      const round = games.filter((o) => o.room === r.room && o.round === r.round);
      expect(firstBy(round, (o) => o.truePress)).toBe(r);
    }
  });

  test("the whole order is right in every trial", () => {
    // Exactly, in fake time. Through real sockets (the bench) a late timer can swap two close presses.
    expect(ours.orders).toBe(ours.trials);
  });

  // A link's allowance is the 90th percentile of its round trips: taken over too few (four, once), a
  // jittery link's fell short of its own trips, and an honest press was placed later than it was made.
  test("no honest press is placed at the edge of its allowance: a link's allowance covers its own trips", () => {
    const clipped = games.filter((g) => !g.forged && g.record.bound === "early");
    expect(clipped.map((g) => `${g.player} round ${g.round}: ${g.record.allowance} ms`)).toEqual([]);
  });

  test("reported gaps are within ±5 ms of the true gaps at the 95th percentile", () => {
    expect(ours.gapErrors).toHaveLength(UNEVEN.rooms * UNEVEN.rounds * (UNEVEN.players - 1));
    expect(quantileAbs(ours.gapErrors, 0.95)).toBeLessThanOrEqual(5);
  });

  test(
    "arrival order, what other buzzers use, names the wrong winner where the links reorder the presses; press order names the true one",
    () => {
      // Close finishes (10–30 ms apart) on the same links: rounds where a later press must arrive first.
      const close = simulate({ ...UNEVEN, rooms: 20, maxGap: 30 });
      const reordered = outOfOrderRounds(close, UNEVEN.jitter);
      // 50 such rounds in these seeded games; the floor only guards against a vacuous pass.
      expect(reordered.length).toBeGreaterThanOrEqual(8);
      for (const presses of reordered) {
        const truth = firstBy(presses, (r) => r.truePress);
        expect(firstBy(presses, (r) => r.record.arrival)).not.toBe(truth);
        expect(firstBy(presses, (r) => r.record.press)).toBe(truth);
      }
    },
    SIMULATION,
  );

  test(
    "a press time forged 1 s early gains no more than the forger's allowance, itself within the cap",
    () => {
      const forged = simulate({ ...UNEVEN, rooms: 4, rounds: 3, forgers: 1, seed: 11 }).filter(
        (r) => r.forged,
      );
      expect(forged).toHaveLength(12);
      for (const r of forged) {
        expect(r.record.bound).toBe("early");
        expect(r.truePress - r.record.press).toBeLessThanOrEqual(r.record.allowance);
        expect(r.record.allowance).toBeLessThanOrEqual(MAX_COMPENSATION + MARGIN);
        // The allowance covers the forger's link: a forged claim is cut back to arrival minus it.
        expect(r.record.press).toBeCloseTo(r.record.arrival - r.record.allowance, 6);
      }
    },
    SIMULATION,
  );
});
