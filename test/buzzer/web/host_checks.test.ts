import { describe, expect, test } from "bun:test";
import { LIMITS, type PlaceView, type PlayerView } from "../../../buzzer/protocol.ts";
import {
  armLabel,
  COUNTDOWN_RANGE,
  countdownMs,
  foundNote,
  foundSaid,
  nameProblem,
  pointsProblem,
  pruneCount,
  pruneQuestion,
  pruneStaying,
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

  test("pruneQuestion counts the offline players who go in the right number and says their points stay", () => {
    expect(pruneQuestion({ gone: 1, staying: 0, more: false })).toEqual({
      title: "Remove 1 offline player?",
      message: "Their points stay on the leaderboard. They can join again as a new player.",
    });
    expect(pruneQuestion({ gone: 3, staying: 0, more: false })).toEqual({
      title: "Remove 3 offline players?",
      message: "Their points stay on the leaderboard. They can join again as new players.",
    });
    expect(pruneQuestion({ gone: 1, staying: 0, more: true })).toEqual({
      title: "Remove up to 1 offline player?",
      message: "Their points stay on the leaderboard. They can join again as new players.",
    });
  });

  test("pruneQuestion says the offline players who buzzed this round stay until the next", () => {
    expect(pruneQuestion({ gone: 1, staying: 10, more: false })).toEqual({
      title: "Remove 1 offline player?",
      message:
        "10 who buzzed this round stay until the next. Their points stay on the leaderboard. They can join again as a new player.",
    });
    expect(pruneStaying(1)).toBe("1 who buzzed this round stays until the next.");
    expect(pruneStaying(0)).toBe("");
  });

  test("pruneCount keeps offline players with a place or a false start this round, as the server's prune does", () => {
    const player = (id: string, connected: boolean, lockedOut = false): PlayerView => ({
      id,
      name: id,
      connected,
      lockedOut,
      points: 0,
    });
    const place = (id: string, n: number): PlaceView => ({ id, name: id, place: n, gap: 0, photo: false });
    const players = [
      player("on", true),
      player("placed", false),
      player("out", false, true),
      player("idle", false),
      player("idle2", false),
    ];
    const order = [place("on", 1), place("placed", 2)];
    expect(pruneCount(players, order, 4)).toEqual({ gone: 2, staying: 2, more: false });
    // 10 offline in the room, 4 of them shown: the 6 past the list go too, unless they buzzed.
    expect(pruneCount(players, [], 10)).toEqual({ gone: 9, staying: 1, more: true });
  });

  test("the countdown button names only a countdown the server accepts: 0 to LIMITS.countdown", () => {
    expect(armLabel("3")).toBe("Countdown 3 s");
    expect(armLabel("0")).toBe("Countdown 0 s");
    expect(armLabel("60")).toBe("Countdown 60 s");
    expect(armLabel("2.5")).toBe("Countdown 2.5 s");
    for (const bad of ["-5", "999", "60.5", "", " ", "abc", "Infinity"]) {
      expect(armLabel(bad)).toBe("Countdown");
      expect(countdownMs(bad)).toBeNull();
    }
    expect(countdownMs("2.5")).toBe(2500);
    expect(countdownMs("60")).toBe(LIMITS.countdown);
    expect(COUNTDOWN_RANGE).toBe("Countdown: 0 to 60 seconds");
  });

  test("foundNote counts a search's matches out of the room, and says how to narrow one cut short", () => {
    expect(foundNote(0, 0, 1500)).toBe("No player matches");
    expect(foundNote(1, 1, 1500)).toBe("1 of 1500 players matches");
    expect(foundNote(3, 3, 1500)).toBe("3 of 1500 players match");
    expect(foundNote(1, 1, 1)).toBe("1 of 1 player matches");
    expect(foundNote(2, 2, 1)).toBe("2 of 2 players match");
    expect(foundNote(20, 57, 1500)).toBe("First 20 of 57 matches shown: type more of the name");
  });

  test("foundSaid tells the matches alone, whatever the room's size", () => {
    expect(foundSaid(0, 0)).toBe("No player matches");
    expect(foundSaid(1, 1)).toBe("1 player matches");
    expect(foundSaid(3, 3)).toBe("3 players match");
    expect(foundSaid(20, 57)).toBe("First 20 of 57 matches shown");
  });
});
