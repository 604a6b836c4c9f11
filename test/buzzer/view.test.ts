import { describe, expect, test } from "bun:test";
import type { RoomView, ScoreView, TeamView } from "../../buzzer/protocol.ts";
import { applyDelta, applyScore } from "../../buzzer/view.ts";
import { roomView } from "./view_fixture.ts";

const base = roomView({ version: 4, round: 2, phase: "locked", hosted: false });
const ann: ScoreView = { id: "a", name: "Ann", team: "Owls", points: 3, rank: 1 };
const ben: ScoreView = { id: "b", name: "Ben", points: 1, rank: 2 };
const owls: TeamView = { name: "Owls", points: 3, players: 1, rank: 1 };

describe("view", () => {
  test("a delta's hosted, scores, scoreCount and teams replace the view's", () => {
    const next = applyDelta(base, {
      room: "QUIZ",
      version: 5,
      hosted: true,
      scores: [ann, ben],
      scoreCount: 3,
      teams: [owls],
    });
    expect(next).toEqual({
      ...base,
      version: 5,
      hosted: true,
      scores: [ann, ben],
      scoreCount: 3,
      teams: [owls],
    });
  });

  test("a delta without hosted, scores or teams keeps the view's", () => {
    const start = { ...base, hosted: true, scores: [ann], teams: [owls] };
    const next = applyDelta(start, { room: "QUIZ", version: 5, playerCount: 3 });
    expect(next).toEqual({ ...start, version: 5, playerCount: 3 });
  });

  test("a new round lifts the lockout and the false start it said, a delta in the same round keeps them", () => {
    const out: RoomView = { ...base, lockedOut: true, falseStart: "late" };
    expect(applyDelta(out, { room: "QUIZ", version: 5, playerCount: 3 })).toMatchObject({
      lockedOut: true,
      falseStart: "late",
    });
    const next = applyDelta(out, { room: "QUIZ", version: 5, round: 3, phase: "locked" });
    expect(next).toEqual({ ...base, version: 5, round: 3, lockedOut: false });
  });

  test("a new round keeps the scores and teams", () => {
    const start = { ...base, scores: [ann], teams: [owls] };
    const next = applyDelta(start, { room: "QUIZ", version: 5, round: 3, phase: "open" });
    expect(next).toMatchObject({ round: 3, phase: "open", scores: [ann], teams: [owls] });
  });

  test("a new round drops the last round's lockout and own press standing", () => {
    const start: RoomView = { ...base, lockedOut: true, press: "locked" };
    expect(applyDelta(start, { room: "QUIZ", version: 5, playerCount: 3 })).toMatchObject({
      press: "locked",
    });
    const next = applyDelta(start, { room: "QUIZ", version: 5, round: 3, phase: "open" });
    expect(next).toMatchObject({ lockedOut: false });
    expect(next).not.toHaveProperty("press");
  });

  test("closesIn is set by a delta, kept while the round stays open and dropped when it locks", () => {
    const open = applyDelta(base, { room: "QUIZ", version: 5, phase: "open", closesIn: 30_000 });
    expect(open).toMatchObject({ phase: "open", closesIn: 30_000 });
    const still = applyDelta(open as RoomView, { room: "QUIZ", version: 6, playerCount: 3 });
    expect(still).toMatchObject({ phase: "open", closesIn: 30_000 });
    const locked = applyDelta(still as RoomView, { room: "QUIZ", version: 7, phase: "locked" });
    expect(locked).not.toHaveProperty("closesIn");
  });

  test("a delta that skips a version returns null, whatever it carries", () => {
    expect(applyDelta(base, { room: "QUIZ", version: 6, scores: [ann] })).toBeNull();
  });

  test("a score message sets the player's own score and team, replacing the one before", () => {
    const first = applyScore(base, { points: 2, rank: 3, team: "Owls" });
    expect(first).toEqual({ ...base, you: { points: 2, rank: 3, team: "Owls" } });
    expect(applyScore(first, { points: 5, rank: 1 })).toEqual({ ...base, you: { points: 5, rank: 1 } });
    expect(base).not.toHaveProperty("you");
  });

  test("the host's mark of one's own answer stays through later score messages and goes with its round", () => {
    const marked = applyScore(base, { points: 1, rank: 1, judged: "right" });
    expect(marked.you).toEqual({ points: 1, rank: 1, judged: "right" });
    const moved = applyScore(marked, { points: 1, rank: 2 });
    expect(moved.you).toEqual({ points: 1, rank: 2, judged: "right" });
    expect(
      applyDelta({ ...moved, version: 4 }, { room: "QUIZ", version: 5, phase: "open" })?.you?.judged,
    ).toBe("right");
    expect(applyDelta(moved, { room: "QUIZ", version: 5, round: 3 })?.you).toEqual({ points: 1, rank: 2 });
  });
});
