import { describe, expect, test } from "bun:test";
import { phaseDetail, quietLockLabel } from "../../../buzzer/web/words.ts";

describe("words", () => {
  test("quietLockLabel says time is up when a timed round locked with no buzz, not get ready", () => {
    expect(quietLockLabel(true, 10_000)).toBe("Time's up");
    expect(quietLockLabel(true, 0)).toBe("Locked");
    expect(quietLockLabel(true, undefined)).toBe("Locked");
    expect(quietLockLabel(false, 10_000)).toBe("Get ready");
  });

  test("phaseDetail explains every phase without a timer: a locked round makes a press a false start", () => {
    expect(phaseDetail("locked")).toBe("buzzers closed: a press now is a false start");
    expect(phaseDetail("open")).toBe("buzzers live");
    expect(phaseDetail("armed")).toBe("");
  });
});
