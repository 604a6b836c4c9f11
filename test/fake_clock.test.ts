import { describe, expect, test } from "bun:test";
import { FakeClock } from "./fake_clock.ts";

describe("FakeClock", () => {
  test("runs due timers in time order, each at its own time", () => {
    const clock = new FakeClock(100);
    const seen: [string, number][] = [];
    clock.after(30, () => seen.push(["b", clock.now()]));
    clock.after(10, () => seen.push(["a", clock.now()]));
    clock.after(30, () => seen.push(["c", clock.now()]));
    clock.after(31, () => seen.push(["late", clock.now()]));
    clock.advance(30);
    expect(seen).toEqual([
      ["a", 110],
      ["b", 130],
      ["c", 130],
    ]);
    expect(clock.now()).toBe(130);
    expect(clock.pendingTimers).toBe(1);
  });

  test("runs a timer set by a timer when it falls within the advance", () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const tick = () => {
      seen.push(clock.now());
      clock.after(100, tick);
    };
    clock.after(100, tick);
    clock.advance(350);
    expect(seen).toEqual([100, 200, 300]);
    expect(clock.now()).toBe(350);
  });

  test("does not run a cancelled timer", () => {
    const clock = new FakeClock();
    let ran = false;
    const handle = clock.after(5, () => {
      ran = true;
    });
    clock.cancel(handle);
    clock.advance(10);
    expect(ran).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  test("runs soon callbacks on runSoon or at the start of advance, never by themselves", () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    clock.soon(() => {
      seen.push("first");
      clock.soon(() => seen.push("queued by first"));
    });
    expect(seen).toEqual([]);
    clock.runSoon();
    expect(seen).toEqual(["first", "queued by first"]);
    clock.soon(() => seen.push(`soon at ${clock.now()}`));
    clock.after(0, () => seen.push(`timer at ${clock.now()}`));
    clock.advance(0);
    expect(seen.slice(2)).toEqual(["soon at 0", "timer at 0"]);
  });

  test("refuses to move time backwards", () => {
    expect(() => new FakeClock().advance(-1)).toThrow("backwards");
  });
});
