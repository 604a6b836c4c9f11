import { describe, expect, test } from "bun:test";
import { scoreLine } from "../../buzzer/room_feed.ts";

describe("room_feed", () => {
  test("scoreLine says the points, the rank and the team", () => {
    expect(scoreLine({ points: 3, rank: 2 })).toBe("Score: 3 points, rank 2");
    expect(scoreLine({ points: 1, rank: 1, team: "Red" })).toBe("Score: 1 point, rank 1, team Red");
    expect(scoreLine({ points: -1, rank: 4 })).toBe("Score: -1 point, rank 4");
    expect(scoreLine({ points: 0, rank: 1 })).toBe("Score: 0 points, rank 1");
  });
});
