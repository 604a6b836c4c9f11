import { describe, expect, test } from "bun:test";
import { phaseDetail, quietLockLabel, rankNote, teamSize } from "../../../buzzer/web/words.ts";

describe("words", () => {
  test("rankNote gives a player's rank out of the leaderboard's lines only once anyone has points", () => {
    expect(rankNote(2, 12, 3, true)).toBe("2nd of 12");
    expect(rankNote(12, 12, -1, true)).toBe("12th of 12");
    expect(rankNote(1, 1501, 0, false)).toBe("");
  });

  test("rankNote gives no rank to a player at 0 points, which it shares with everyone who has not scored", () => {
    expect(rankNote(2, 2501, 0, true)).toBe("");
  });

  test("quietLockLabel says what locked a round with no buzz: time's up, locked, or get ready for one not opened", () => {
    expect(quietLockLabel("timer")).toBe("Time's up");
    expect(quietLockLabel("host")).toBe("Locked");
    expect(quietLockLabel("autoLock")).toBe("Locked");
    expect(quietLockLabel(undefined)).toBe("Get ready");
  });

  test("phaseDetail explains every phase without a timer: a press is a false start before the round opens, too late after it closes", () => {
    expect(phaseDetail("locked")).toBe("buzzers closed: a press now is a false start");
    expect(phaseDetail("locked", true)).toBe("buzzers closed: a press now is too late");
    expect(phaseDetail("open")).toBe("buzzers live");
    expect(phaseDetail("armed")).toBe("");
  });

  test("teamSize counts a team's members here now, and says those away apart", () => {
    expect(teamSize(1)).toBe("1 player");
    expect(teamSize(3)).toBe("3 players");
    expect(teamSize(3, 1)).toBe("3 players · 1 away");
    expect(teamSize(0, 2)).toBe("0 players · 2 away");
  });
});
