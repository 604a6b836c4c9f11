import { describe, expect, test } from "bun:test";
import { cpuSeconds, threadCpu } from "../../bench/procfs.ts";

describe("procfs", () => {
  test("cpuSeconds counts at least the CPU a process used by its own count, finer than 10 ms clock ticks", async () => {
    // The child spins until it has used 37 ms of CPU by its own count: not a whole number of 10 ms ticks.
    const child = Bun.spawn(
      [
        process.execPath,
        "-e",
        "const s = process.cpuUsage(); while (true) { const u = process.cpuUsage(s); if (u.user + u.system >= 37_000) break; } console.log('spun'); setTimeout(() => {}, 60_000);",
      ],
      { stdout: "pipe" },
    );
    try {
      const reader = (child.stdout as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      const seconds = cpuSeconds(child.pid);
      // At least the spin; start-up adds its own (tens of ms), never seconds.
      expect(seconds).toBeGreaterThanOrEqual(0.037);
      expect(seconds).toBeLessThan(5);
      // Not a multiple of the 10 ms tick /proc/PID/stat counts in.
      expect(Math.round(seconds * 1e6) % 10_000).not.toBe(0);
    } finally {
      child.kill();
      await child.exited;
    }
  });

  test("threadCpu names the event loop's thread main, counts numbered threads as one, and sums to the total", () => {
    // Spun until the process has used 20 ms of CPU by its own count (not of wall time, which a busy
    // machine stretches).
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user + process.cpuUsage(start).system < 20_000) {}
    const { total, threads } = threadCpu(process.pid);
    // Most of that spin is the event loop's (the rest of the process may compile it meanwhile).
    expect(threads.main).toBeGreaterThanOrEqual(0.01);
    expect(Object.keys(threads).some((name) => / \d+$/.test(name))).toBe(false);
    const sum = Object.values(threads).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(total, 9);
  });
});
