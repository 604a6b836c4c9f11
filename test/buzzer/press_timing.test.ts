import { describe, expect, test } from "bun:test";
import { pressTiming } from "../../buzzer/press_timing.ts";
import { arm, lock, newRound, release, reset } from "../../buzzer/round.ts";

describe("press_timing", () => {
  // Begun at 900, opened at 1000, locked at 1200.
  const locked = lock(release(arm(reset(newRound(1, "open"), 900), 900, 100), 1000), 1200);

  test("places a press before the round began, beyond doubt, in the round before", () => {
    expect(pressTiming(locked, 890, 5)).toBe("before");
    expect(pressTiming(locked, 896, 5)).toBe("early");
  });

  test("makes a press before the release a false start only beyond doubt", () => {
    expect(pressTiming(locked, 990, 5)).toBe("early");
    expect(pressTiming(locked, 996, 5)).toBe("in");
  });

  test("counts a press before the lock in the round, one within its doubt of it unsure, one after it late", () => {
    expect(pressTiming(locked, 1199, 5)).toBe("in");
    expect(pressTiming(locked, 1200, 5)).toBe("unsure");
    expect(pressTiming(locked, 1205, 5)).toBe("late");
  });

  test("makes every press in a round locked before it ever opened late", () => {
    expect(pressTiming(reset(newRound(1, "open"), 900), 950, 5)).toBe("late");
  });

  test("counts a press from the spell a lock ended in a round opened again, heard after; one made while locked stays early", () => {
    // Opened at 1000, locked at 1200, opened again at 1500.
    const reopened = arm(locked, 1500);
    expect(reopened.earlier).toEqual({ from: 1000, to: 1200 });
    expect(pressTiming(reopened, 1000, 5)).toBe("earlier");
    expect(pressTiming(reopened, 1199, 5)).toBe("earlier");
    // Within its doubt of that lock it takes no place, as in the locked round; beyond it, early.
    expect(pressTiming(reopened, 1202, 5)).toBe("unsure");
    expect(pressTiming(reopened, 1300, 5)).toBe("early");
    expect(pressTiming(reopened, 1496, 5)).toBe("in");
    expect(pressTiming(reopened, 1600, 5)).toBe("in");
    // A new round forgets the spell.
    expect(reset(reopened, 2000).earlier).toBeNull();
  });
});
