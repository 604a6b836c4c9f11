import { describe, expect, test } from "bun:test";
import type { RoomView } from "../../buzzer/protocol.ts";
import { feedState, NEW_FEED, scoreLine } from "../../buzzer/room_feed.ts";

const view = (you: RoomView["you"]): RoomView => ({
  room: "MAIN",
  version: 0,
  round: 1,
  phase: "locked",
  players: [],
  playerCount: 1,
  scoreCount: 1,
  order: [],
  hosted: true,
  scores: [],
  teams: [],
  you,
});

describe("room_feed", () => {
  test("scoreLine says the points, the rank and the team", () => {
    expect(scoreLine({ points: 3, rank: 2 })).toBe("Score: 3 points, rank 2");
    expect(scoreLine({ points: 1, rank: 1, team: "Red" })).toBe("Score: 1 point, rank 1, team Red");
    expect(scoreLine({ points: -1, rank: 4 })).toBe("Score: -1 point, rank 4");
    expect(scoreLine({ points: 0, rank: 1 })).toBe("Score: 0 points, rank 1");
  });

  test("feedState says the player's own score when it changes, not a fresh player's zero", () => {
    const first = feedState(NEW_FEED, view({ points: 0, rank: 1 }), false);
    expect(first.lines).toEqual(["Round 1: locked"]);
    const scored = feedState(first.feed, view({ points: 2, rank: 1 }), false);
    expect(scored.lines).toEqual(["Score: 2 points, rank 1"]);
    expect(feedState(scored.feed, view({ points: 2, rank: 1 }), false).lines).toEqual([]);
    expect(feedState(scored.feed, view({ points: 2, rank: 2 }), false).lines).toEqual([
      "Score: 2 points, rank 2",
    ]);
  });
});
