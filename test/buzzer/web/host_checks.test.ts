import { describe, expect, test } from "bun:test";
import {
  nameProblem,
  pointsProblem,
  pruneQuestion,
  quality,
  qualityTitle,
} from "../../../buzzer/web/host_checks.ts";

describe("host_checks", () => {
  test("quality rates a link good, fair or poor by round trip and jitter, unknown before a measurement", () => {
    expect(quality(undefined, undefined)).toBe("unknown");
    expect(quality(20, 2)).toBe("good");
    expect(quality(99, 19)).toBe("good");
    expect(quality(100, 2)).toBe("fair");
    expect(quality(20, 20)).toBe("fair");
    expect(quality(299, 59)).toBe("fair");
    expect(quality(300, 2)).toBe("poor");
    expect(quality(20, 60)).toBe("poor");
  });

  test("qualityTitle gives the rating with the numbers, or says offline or not measured", () => {
    expect(qualityTitle({ connected: true, rtt: 23.4, jitter: 2.06 })).toBe(
      "good connection: round trip 23 ms, jitter 2.1 ms",
    );
    expect(qualityTitle({ connected: true, rtt: 350 })).toBe("poor connection: round trip 350 ms");
    expect(qualityTitle({ connected: true })).toBe("connected, link not measured yet");
    expect(qualityTitle({ connected: false, rtt: 20, jitter: 1 })).toBe("offline");
  });

  test("pointsProblem accepts whole non-zero points within the limit and says what is wrong otherwise", () => {
    for (const ok of ["1", "-3", "1000", "-1000"]) expect(pointsProblem(ok)).toBe("");
    for (const bad of ["", "0", "1.5", "1001", "-1001", "abc"])
      expect(pointsProblem(bad)).toBe("Points: a whole number from -1000 to 1000, not 0.");
  });

  test("nameProblem accepts 1 to 32 characters", () => {
    expect(nameProblem("Ann")).toBe("");
    expect(nameProblem("x".repeat(32))).toBe("");
    expect(nameProblem("")).toBe("A name is 1 to 32 characters.");
    expect(nameProblem("x".repeat(33))).toBe("A name is 1 to 32 characters.");
  });

  test("pruneQuestion counts the offline players in the right number and says their points stay", () => {
    expect(pruneQuestion(1, false)).toEqual({
      title: "Remove 1 offline player?",
      message: "Their points stay on the leaderboard. They can join again as a new player.",
    });
    expect(pruneQuestion(3, false)).toEqual({
      title: "Remove 3 offline players?",
      message: "Their points stay on the leaderboard. They can join again as new players.",
    });
    expect(pruneQuestion(1, true)).toEqual({
      title: "Remove at least 1 offline player?",
      message: "Their points stay on the leaderboard. They can join again as new players.",
    });
  });
});
