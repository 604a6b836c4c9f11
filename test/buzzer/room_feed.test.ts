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

  test("feedState says a place again when the host marks it, and the player's own mark in a line", () => {
    const order = (judged?: "right" | "wrong"): RoomView => ({
      ...view(undefined),
      phase: "locked",
      order: [
        { id: "a", name: "Alice", place: 1, gap: 0, photo: false, ...(judged ? { judged } : {}) },
        { id: "b", name: "Bob", place: 2, gap: 0.25, photo: false },
      ],
    });
    const placed = feedState(NEW_FEED, order(), false, "a");
    expect(placed.lines).toEqual(["Round 1: locked", "1. Alice", "2. Bob +0.25s"]);
    const right = feedState(placed.feed, order("right"), false, "a");
    expect(right.lines).toEqual(["1. Alice ✓ right", "The host marked your answer ✓ right"]);
    expect(feedState(right.feed, order("right"), false, "a").lines).toEqual([]);
    expect(feedState(right.feed, order("wrong"), false, "b").lines).toEqual(["1. Alice ✗ wrong"]);
    // Taken back: said again unmarked, with a line for the player; a mark given again is said again.
    const undone = feedState(right.feed, order(), false, "a");
    expect(undone.lines).toEqual(["1. Alice", "The host took back the mark on your answer"]);
    expect(feedState(undone.feed, order(), false, "a").lines).toEqual([]);
    expect(feedState(undone.feed, order("right"), false, "a").lines).toEqual([
      "1. Alice ✓ right",
      "The host marked your answer ✓ right",
    ]);
    // Joined after the mark: the place is said once, with it.
    expect(feedState(NEW_FEED, order("wrong"), false, "b").lines).toEqual([
      "Round 1: locked",
      "1. Alice ✗ wrong",
      "2. Bob +0.25s",
    ]);
  });

  test("feedState says a lock after the places that came with it, and a renamed place again", () => {
    const place = (name: string, n: number) => ({ id: name, name, place: n, gap: n - 1, photo: false });
    const open = feedState(NEW_FEED, { ...view(undefined), phase: "open", order: [place("Ann", 1)] }, false);
    expect(open.lines).toEqual(["Round 1: open", "1. Ann"]);
    // Auto-lock: the second place and the lock it made come in one state; the place is said first.
    const locked = feedState(
      open.feed,
      { ...view(undefined), order: [place("Ann", 1), place("Bo", 2)] },
      false,
    );
    expect(locked.lines).toEqual(["2. Bo +1.00s", "Round 1: locked"]);
    const renamed = { ...view(undefined), order: [place("Ann", 1), { ...place("Bo", 2), name: "Rex" }] };
    const again = feedState(locked.feed, renamed, false);
    expect(again.lines).toEqual(["2. Rex +1.00s"]);
    expect(feedState(again.feed, renamed, false).lines).toEqual([]);
  });
});
