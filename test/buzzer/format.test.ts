import { describe, expect, test } from "bun:test";
import {
  falseStartText,
  formatGap,
  formatMs,
  gapSeconds,
  lockoutWords,
  placeLine,
  roundText,
  signed,
  verdictText,
} from "../../buzzer/format.ts";

describe("format", () => {
  describe("gapSeconds", () => {
    test("keeps whole milliseconds, rounded half-up", () => {
      expect(gapSeconds(235)).toBe(0.235);
      expect(gapSeconds(234.5)).toBe(0.235);
      expect(gapSeconds(234.4999)).toBe(0.234);
      expect(gapSeconds(724.9999)).toBe(0.725);
      expect(gapSeconds(0)).toBe(0);
    });
  });

  describe("formatGap", () => {
    test("gives hundredths of a second", () => {
      expect(formatGap(0)).toBe("0.00");
      expect(formatGap(0.5)).toBe("0.50");
      expect(formatGap(1.23)).toBe("1.23");
      expect(formatGap(12)).toBe("12.00");
      expect(formatGap(0.004)).toBe("0.00");
      expect(formatGap(9.999)).toBe("10.00");
    });

    test("rounds half-up whatever the binary form of the seconds", () => {
      // 0.235, 1.005 and 2.675 are all stored a little below the half.
      expect(formatGap(0.235)).toBe("0.24");
      expect(formatGap(1.005)).toBe("1.01");
      expect(formatGap(2.675)).toBe("2.68");
      expect(formatGap(0.125)).toBe("0.13");
      expect(formatGap(1.234)).toBe("1.23");
      expect(formatGap(1.236)).toBe("1.24");
    });

    test("reads a raw gap the same as its whole-millisecond wire form", () => {
      for (const ms of [235, 724.9999, 724.5, 724.4999, 1004.5, 1004.4999, 4.5, 4.4999, 14.5]) {
        expect(formatGap(ms / 1000)).toBe(formatGap(gapSeconds(ms)));
      }
      expect(formatGap(0.7249999)).toBe("0.73");
      expect(formatGap(gapSeconds(724.9999))).toBe("0.73");
      expect(formatGap(0.0044999)).toBe("0.00");
      expect(formatGap(1.0045)).toBe("1.01");
    });

    test("reads every wire gap up to 100 s as twelve significant digits do", () => {
      // The rule spelled out: the product's binary noise dropped, whole ms, hundredths half-up.
      const byDigits = (seconds: number) => {
        const ms = Math.round(Number((seconds * 1000).toPrecision(12)));
        const h = Math.round(ms / 10);
        return `${Math.floor(h / 100)}.${String(h % 100).padStart(2, "0")}`;
      };
      for (let ms = 0; ms <= 100_000; ms++) {
        const seconds = gapSeconds(ms);
        if (formatGap(seconds) !== byDigits(seconds)) expect(formatGap(seconds)).toBe(byDigits(seconds));
      }
      for (const raw of [0.0009999999, 0.0010000001, 1.0044999999, 99.9994999999, 0.72499999999]) {
        expect(formatGap(raw)).toBe(byDigits(raw));
      }
    });
  });

  describe("verdictText", () => {
    test("says first place for place 1 whatever the gap", () => {
      expect(verdictText(1, 0)).toBe("first place!");
      expect(verdictText(1, 2.5)).toBe("first place!");
    });

    test("gives the gap as the original's line, in hundredths", () => {
      expect(verdictText(2, 0.235)).toBe("response time: 0.24 seconds slower!");
      expect(verdictText(2, gapSeconds(235))).toBe("response time: 0.24 seconds slower!");
      expect(verdictText(2, 1.005)).toBe("response time: 1.01 seconds slower!");
      expect(verdictText(2, 0)).toBe("response time: 0.00 seconds slower!");
      expect(verdictText(3, 12)).toBe("response time: 12.00 seconds slower!");
      expect(verdictText(4, 9.999)).toBe("response time: 10.00 seconds slower!");
    });
  });

  describe("placeLine", () => {
    test("gives the winner without a gap", () => {
      expect(placeLine(1, "Alice", 0, false)).toBe("1. Alice");
    });

    test("gives later places their gap in hundredths", () => {
      expect(placeLine(2, "Bob", 0.235, false)).toBe("2. Bob +0.24s");
      expect(placeLine(2, "Bob", gapSeconds(235), false)).toBe("2. Bob +0.24s");
      expect(placeLine(3, "Cy", 1.005, false)).toBe("3. Cy +1.01s");
    });

    test("flags a photo finish", () => {
      expect(placeLine(2, "Bob", 0.004, true)).toBe("2. Bob +0.00s (photo finish)");
      expect(placeLine(1, "Alice", 0, true)).toBe("1. Alice (photo finish)");
    });
  });

  describe("signed", () => {
    test("gives points with their sign", () => {
      expect([signed(2), signed(-1), signed(0)]).toEqual(["+2", "-1", "0"]);
    });
  });

  describe("lockoutWords and falseStartText", () => {
    test("say a lockout was a false start or too late, the longer words true after the host reopened the round", () => {
      expect([lockoutWords("early"), lockoutWords("late")]).toEqual(["false start", "too late"]);
      expect(falseStartText("early")).toBe("too early: you are locked out of this round");
      expect(falseStartText("late")).toBe("too late: the round had closed, so you are locked out of it");
    });
  });

  describe("roundText", () => {
    test("names the round and its phase, and the time to release of an armed one in tenths of a second", () => {
      expect(roundText(2, "open", null)).toBe("Round 2: open");
      expect(roundText(2, "armed", 3000)).toBe("Round 2: armed, opens in 3.0s");
      expect(roundText(3, "armed", 1249)).toBe("Round 3: armed, opens in 1.2s");
    });
  });

  describe("formatMs", () => {
    test("gives a tenth of a millisecond under 10 ms and whole milliseconds above", () => {
      expect([formatMs(2.14), formatMs(9.96), formatMs(23.4), formatMs(350)]).toEqual([
        "2.1 ms",
        "10.0 ms",
        "23 ms",
        "350 ms",
      ]);
    });
  });
});
