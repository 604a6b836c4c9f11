import { describe, expect, test } from "bun:test";
import { retryDelay } from "../../buzzer/session.ts";

describe("session", () => {
  test("retryDelay doubles from the first step to the cap, spread below each step and never past the cap", () => {
    const backoff = { first: 250, max: 5000 };
    const longest = [0, 1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, backoff, () => 0));
    expect(longest).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    const shortest = [0, 5].map((n) => retryDelay(n, backoff, () => 0.999_999));
    expect(shortest).toEqual([200, 4000]);
    for (let i = 0; i < 100; i++) expect(retryDelay(10)).toBeLessThanOrEqual(5000);
  });
});
