import { describe, expect, test } from "bun:test";
import { phaseDetail, quietLockLabel, TIMER_SLACK } from "../../../buzzer/web/words.ts";

describe("words", () => {
  test("quietLockLabel says time is up when a round locked with no buzz at its timer's deadline, not get ready", () => {
    expect(quietLockLabel(true, 10_000, 10_000)).toBe("Time's up");
    // The lock arrives a moment before the page's own reckoning of the deadline: still the timer's.
    expect(quietLockLabel(true, 10_000, 10_000 - TIMER_SLACK)).toBe("Time's up");
    expect(quietLockLabel(true, null, 10_000)).toBe("Locked");
    expect(quietLockLabel(false, 10_000, 10_000)).toBe("Get ready");
  });

  test("quietLockLabel says locked when the host locked a timed round before its deadline", () => {
    expect(quietLockLabel(true, 10_000, 8_000)).toBe("Locked");
  });

  test("phaseDetail explains every phase without a timer: a locked round makes a press a false start", () => {
    expect(phaseDetail("locked")).toBe("buzzers closed: a press now is a false start");
    expect(phaseDetail("open")).toBe("buzzers live");
    expect(phaseDetail("armed")).toBe("");
  });
});
