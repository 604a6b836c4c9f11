import { describe, expect, test } from "bun:test";
import { addSample, type ClockEstimate, emptyClock, estimate, serverTime } from "../../buzzer/clock.ts";
import {
  boundPress,
  type Link,
  MARGIN,
  MAX_COMPENSATION,
  uplinkAllowance,
  windowReach,
} from "../../buzzer/fair.ts";

/** Uplink allowance high + margin = 50 + 2 = 52; uncertainty rtt/2 + jitter + margin = 20 + 5 + 2 = 27. */
const link: Link = { rtt: 40, high: 50, jitter: 5 };
/** A link slower than the default cap of 250 ms: allowance 602 and uncertainty 310 before capping. */
const slow: Link = { rtt: 600, high: 600, jitter: 8 };

describe("fair", () => {
  test("uses a margin of 2 ms and compensates at most 250 ms by default", () => {
    expect(MARGIN).toBe(2);
    expect(MAX_COMPENSATION).toBe(250);
  });

  describe("uplinkAllowance", () => {
    test("is the 90th-percentile round trip plus the margin", () => {
      expect(uplinkAllowance(link)).toBe(52);
      expect(uplinkAllowance({ rtt: 0, high: 0, jitter: 0 })).toBe(2);
    });

    test("does not depend on the lowest round trip or the jitter", () => {
      expect(uplinkAllowance({ rtt: 10, high: 50, jitter: 100 })).toBe(52);
    });

    test("is 0 without a link", () => {
      expect(uplinkAllowance(null)).toBe(0);
      expect(uplinkAllowance(null, 50)).toBe(0);
    });

    test("uses a given margin", () => {
      expect(uplinkAllowance(link, 10)).toBe(60);
      expect(uplinkAllowance(link, 0)).toBe(50);
    });

    test("never exceeds the max compensation", () => {
      expect(uplinkAllowance(slow)).toBe(250);
      expect(uplinkAllowance({ rtt: 0, high: 248, jitter: 0 })).toBe(250);
      expect(uplinkAllowance({ rtt: 0, high: 249, jitter: 0 })).toBe(250);
      expect(uplinkAllowance(link, MARGIN, 30)).toBe(30);
      expect(uplinkAllowance(link, MARGIN, 0)).toBe(0);
      expect(uplinkAllowance(slow, MARGIN, Number.POSITIVE_INFINITY)).toBe(602);
    });
  });

  describe("boundPress", () => {
    test("keeps an honest claim within bounds unchanged", () => {
      expect(boundPress(1000, 980, link)).toStrictEqual({
        press: 980,
        lower: 948,
        uncertainty: 27,
        bound: "none",
      });
    });

    test("keeps a claim exactly at arrival", () => {
      expect(boundPress(1000, 1000, link)).toStrictEqual({
        press: 1000,
        lower: 948,
        uncertainty: 27,
        bound: "none",
      });
    });

    test("keeps a claim exactly at the lower bound", () => {
      expect(boundPress(1000, 948, link)).toStrictEqual({
        press: 948,
        lower: 948,
        uncertainty: 27,
        bound: "none",
      });
    });

    test("clamps a claim later than arrival to arrival", () => {
      expect(boundPress(1000, 1000.5, link)).toStrictEqual({
        press: 1000,
        lower: 948,
        uncertainty: 27,
        bound: "late",
      });
      expect(boundPress(1000, 5000, link).press).toBe(1000);
    });

    test("gives a forged claim 1 s early exactly the uplink allowance and no more", () => {
      const arrival = 5000;
      const result = boundPress(arrival, arrival - 1000, link);
      expect(result).toStrictEqual({ press: 4948, lower: 4948, uncertainty: 27, bound: "early" });
      expect(arrival - result.press).toBe(link.high + MARGIN);
    });

    test("clamps a claim just below the lower bound to the lower bound", () => {
      expect(boundPress(1000, 947.9, link)).toStrictEqual({
        press: 948,
        lower: 948,
        uncertainty: 27,
        bound: "early",
      });
    });

    test("estimates an unclaimed press as arrival minus half the round trip", () => {
      expect(boundPress(1000, null, link)).toStrictEqual({
        press: 980,
        lower: 948,
        uncertainty: 27,
        bound: "estimated",
      });
    });

    test("uses arrival for an unclaimed press with no link", () => {
      expect(boundPress(1000, null, null)).toStrictEqual({
        press: 1000,
        lower: 1000,
        uncertainty: 2,
        bound: "estimated",
      });
    });

    test("gives a claim no allowance without a link", () => {
      expect(boundPress(1000, 900, null)).toStrictEqual({
        press: 1000,
        lower: 1000,
        uncertainty: 2,
        bound: "early",
      });
      expect(boundPress(1000, 1000, null)).toStrictEqual({
        press: 1000,
        lower: 1000,
        uncertainty: 2,
        bound: "none",
      });
      expect(boundPress(1000, 1001, null)).toStrictEqual({
        press: 1000,
        lower: 1000,
        uncertainty: 2,
        bound: "late",
      });
    });

    test("puts uncertainty at half the round trip plus jitter plus margin", () => {
      expect(boundPress(0, null, { rtt: 25, high: 40, jitter: 3 }).uncertainty).toBe(17.5);
      expect(boundPress(0, 0, { rtt: 0, high: 0, jitter: 0 }).uncertainty).toBe(2);
    });

    test("keeps the same uncertainty and lower bound whatever the claim", () => {
      const claims = [null, 2000, 1000, 990, 900, 0];
      const results = claims.map((c) => boundPress(1000, c, link));
      expect(results.map((r) => r.uncertainty)).toEqual([27, 27, 27, 27, 27, 27]);
      expect(results.map((r) => r.lower)).toEqual([948, 948, 948, 948, 948, 948]);
      expect(results.map((r) => r.bound)).toEqual(["estimated", "late", "none", "none", "early", "early"]);
    });

    test("uses a given margin for the lower bound and the uncertainty", () => {
      expect(boundPress(1000, 0, link, 10)).toStrictEqual({
        press: 940,
        lower: 940,
        uncertainty: 35,
        bound: "early",
      });
      expect(boundPress(1000, null, null, 0)).toStrictEqual({
        press: 1000,
        lower: 1000,
        uncertainty: 0,
        bound: "estimated",
      });
    });

    test("compensates a link slower than the cap only in part", () => {
      expect(boundPress(1000, 500, slow)).toStrictEqual({
        press: 750,
        lower: 750,
        uncertainty: 250,
        bound: "early",
      });
      // Half its round trip (300 ms) is beyond the cap too, so an unclaimed press sits at the bound.
      expect(boundPress(1000, null, slow)).toStrictEqual({
        press: 750,
        lower: 750,
        uncertainty: 250,
        bound: "estimated",
      });
      expect(boundPress(1000, 900, slow, MARGIN, 50)).toStrictEqual({
        press: 950,
        lower: 950,
        uncertainty: 50,
        bound: "early",
      });
    });

    test("caps the uncertainty at the max compensation", () => {
      expect(boundPress(1000, 990, { rtt: 100, high: 120, jitter: 400 }).uncertainty).toBe(250);
      expect(boundPress(1000, 990, link, MARGIN, 20).uncertainty).toBe(20);
      expect(boundPress(1000, null, null, MARGIN, 1).uncertainty).toBe(1);
    });

    test("does not let a player who inflated its round trip beat an honest player 300 ms ahead", () => {
      // The honest player presses at 1000 on a 40 ms link. The cheat presses at 1300 on the same
      // link, but answered its probes 400 ms late, and claims to have pressed long before.
      const honest = boundPress(1020, 1000, link);
      const inflated: Link = { rtt: 440, high: 450, jitter: 5 };
      const cheat = boundPress(1320, 0, inflated);
      expect(cheat).toStrictEqual({ press: 1070, lower: 1070, uncertainty: 227, bound: "early" });
      expect(cheat.press).toBeGreaterThan(honest.press);
      // Uncapped, the cheat would have won by 48 ms.
      expect(boundPress(1320, 0, inflated, MARGIN, Number.POSITIVE_INFINITY).press).toBe(868);
    });

    test("treats a claim that is not finite as no claim", () => {
      for (const claimed of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(boundPress(1000, claimed, link)).toStrictEqual(boundPress(1000, null, link));
        expect(boundPress(1000, claimed, null)).toStrictEqual(boundPress(1000, null, null));
      }
    });

    test("bounds the stopped-clock trick to the uplink allowance, with finite values", () => {
      // Every probe answered with t = 0, then a buzz with at = 0: the claim maps to the last probe.
      let clock = emptyClock();
      for (let t0 = 0; t0 < 4000; t0 += 250) clock = addSample(clock, { t0, tc: 0, t1: t0 + 40 });
      const mapped = serverTime(estimate(clock) as ClockEstimate, 0);
      expect(mapped).toBe(3770);
      expect(boundPress(5000, mapped, link)).toStrictEqual({
        press: 4948,
        lower: 4948,
        uncertainty: 27,
        bound: "early",
      });
    });

    test("returns finite values within the bounds for any finite inputs", () => {
      const links = [null, link, slow, { rtt: 0, high: 0, jitter: 0 }, { rtt: 1e9, high: 1e9, jitter: 1e9 }];
      const claims = [null, Number.NaN, -Number.MAX_VALUE, -1e9, 0, 999, 1000, 1001, Number.MAX_VALUE];
      for (const l of links) {
        for (const claimed of claims) {
          const result = boundPress(1000, claimed, l);
          expect([result.press, result.lower, result.uncertainty].every(Number.isFinite)).toBe(true);
          expect(result.press).toBeGreaterThanOrEqual(result.lower);
          expect(result.press).toBeLessThanOrEqual(1000);
          expect(1000 - result.lower).toBeLessThanOrEqual(MAX_COMPENSATION);
          expect(result.uncertainty).toBeLessThanOrEqual(MAX_COMPENSATION);
        }
      }
    });
  });

  describe("windowReach", () => {
    test("is the largest uplink allowance of the links", () => {
      const links = [link, { rtt: 100, high: 120, jitter: 10 }, null, { rtt: 10, high: 12, jitter: 1 }];
      expect(windowReach(links, 1000)).toBe(122);
    });

    test("is 0 with no links", () => {
      expect(windowReach([], 1000)).toBe(0);
    });

    test("is 0 with only null links", () => {
      expect(windowReach([null, null], 1000)).toBe(0);
    });

    test("is capped at maxWait", () => {
      expect(windowReach([{ rtt: 100, high: 120, jitter: 10 }], 100)).toBe(100);
      expect(windowReach([{ rtt: 100, high: 120, jitter: 10 }], 122)).toBe(122);
      expect(windowReach([link], 0)).toBe(0);
    });

    test("accepts any iterable of links", () => {
      function* links(): Generator<Link | null> {
        yield null;
        yield link;
      }
      expect(windowReach(links(), 1000)).toBe(52);
      expect(windowReach(new Set([link]), 1000)).toBe(52);
    });

    test("uses a given margin", () => {
      expect(windowReach([link], 1000, 0)).toBe(50);
      expect(windowReach([link], 1000, 10)).toBe(60);
    });

    test("never exceeds the max compensation", () => {
      expect(windowReach([link, slow], 1000)).toBe(250);
      expect(windowReach([link, slow], 1000, MARGIN, 100)).toBe(100);
      expect(windowReach([link, slow], 80, MARGIN, 100)).toBe(80);
    });
  });
});
