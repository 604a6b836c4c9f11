import { describe, expect, test } from "bun:test";
import { type Entry, snapshot } from "../../../buzzer/journal.ts";
import { replay } from "../../../buzzer/journal_replay.ts";
import type { RoomEffect } from "../../../buzzer/room/commands.ts";
import { apply } from "../../../buzzer/room/engine.ts";
import {
  buzz,
  buzzes,
  deltas,
  errors,
  hostCmd,
  ofType,
  roomWith,
  sentTo,
  settings,
  staffStates,
  tick,
} from "./engine_support.ts";

/** A room of three players placed P1, P2, P3 in an open round, its places sent to every client. */
function placed() {
  const { room, s, ids } = roomWith([null, null, null], "open", settings({ logging: true }));
  const [a, b, c] = ids as [string, string, string];
  apply(room, buzzes(buzz("c1", a, 100), buzz("c2", b, 150), buzz("c3", c, 200)), 250, s);
  apply(room, tick, 1000, s);
  return { room, s, a, b, c };
}

const entries = (effects: RoomEffect[]) => ofType(effects, "persist").flatMap((p) => p.entries);
const lines = (effects: RoomEffect[]) => ofType(effects, "log").map((e) => e.line);

describe("marks", () => {
  test("unjudge takes back the points the mark gave by the rules then, not the rules now, and journals it", () => {
    const { room, s, b } = placed();
    apply(room, hostCmd({ type: "rules", rules: { right: 5 } }), 1050, s);
    apply(room, hostCmd({ type: "judge", player: b, right: true }), 1100, s);
    apply(room, hostCmd({ type: "award", player: b, points: 2 }), 1150, s);
    apply(room, hostCmd({ type: "rules", rules: { right: 1 } }), 1200, s);
    const undo = apply(room, hostCmd({ type: "unjudge", player: b }), 1300, s);
    expect(room.players.get(b)?.points).toBe(2);
    expect(entries(undo)).toEqual([
      { e: "unjudged", room: "QUIZ", round: 1, id: b },
      { e: "score", room: "QUIZ", id: b, name: "P2", team: null, points: 2 },
    ]);
    expect(lines(undo)).toEqual(["[QUIZ] P2: -5 (right taken back), 2 in all"]);
    expect(errors(undo)).toEqual([]);
  });

  test("a mark worth no points is taken back too, and the server's terminal says so", () => {
    const { room, s, c } = placed();
    apply(room, hostCmd({ type: "judge", player: c, right: false }), 1100, s);
    const undo = apply(room, hostCmd({ type: "unjudge", player: c }), 1200, s);
    expect(room.judged.has(c)).toBe(false);
    expect(entries(undo)).toEqual([{ e: "unjudged", room: "QUIZ", round: 1, id: c }]);
    expect(lines(undo)).toEqual(["[QUIZ] P3: wrong taken back, no points"]);
  });

  test("the mark leaves every view: hosts' order, players' places sent again, the player's own snapshot", () => {
    const { room, s, b, c } = placed();
    apply(room, hostCmd({ type: "judge", player: b, right: true }), 1100, s);
    const undo = apply(room, hostCmd({ type: "unjudge", player: b }), 1200, s);
    expect(staffStates(undo)[0]?.order.map((p) => [p.name, p.judged])).toEqual([
      ["P1", undefined],
      ["P2", undefined],
      ["P3", undefined],
    ]);
    // From the place that was marked on, as the mark itself went out.
    expect(deltas(undo).flatMap((d) => d.order ?? [])).toEqual([
      { id: b, name: "P2", place: 2, gap: 0.05, photo: false },
      { id: c, name: "P3", place: 3, gap: 0.1, photo: false },
    ]);
    // A score message keeps the mark a phone was told: the player's snapshot, sent last, has none.
    const last = sentTo(undo, "c2").at(-1);
    expect(last?.type === "state" && last.you).toEqual({ points: 0, rank: 1 });
    const found = apply(
      room,
      { type: "host", conn: "h", room: "QUIZ", action: { type: "find", query: "P2" } },
      1300,
      s,
    );
    const answer = sentTo(found, "h").find((m) => m.type === "found");
    expect(answer?.type === "found" && answer.players[0]?.judged).toBeUndefined();
  });

  test("unjudge is refused with NOT_JUDGED when the answer is not marked, before and after an undo", () => {
    const { room, s, a } = placed();
    const refused = {
      conn: "h",
      code: "NOT_JUDGED" as const,
      message: "P1's answer is not marked this round",
    };
    const never = apply(room, hostCmd({ type: "unjudge", player: a }), 1100, s);
    expect(errors(never)).toEqual([refused]);
    expect(entries(never)).toEqual([]);
    apply(room, hostCmd({ type: "judge", player: a, right: true }), 1200, s);
    apply(room, hostCmd({ type: "unjudge", player: a }), 1300, s);
    // A second undo (a double click) takes nothing more.
    expect(errors(apply(room, hostCmd({ type: "unjudge", player: a }), 1400, s))).toEqual([refused]);
    expect(room.players.get(a)?.points).toBe(0);
    // A new round has no marks of its own yet.
    apply(room, hostCmd({ type: "judge", player: a, right: true }), 1500, s);
    apply(room, hostCmd({ type: "reset" }), 1600, s);
    expect(errors(apply(room, hostCmd({ type: "unjudge", player: a }), 1700, s))).toEqual([refused]);
    expect(room.players.get(a)?.points).toBe(1);
    expect(errors(apply(room, hostCmd({ type: "unjudge", player: "nobody" }), 1800, s))).toEqual([
      { conn: "h", code: "NO_SUCH_PLAYER", message: "no player nobody in room QUIZ" },
    ]);
  });

  test("after an undo the answer may be marked again, by the rules now", () => {
    const { room, s, a } = placed();
    apply(room, hostCmd({ type: "rules", rules: { right: 3, wrong: -1 } }), 1050, s);
    apply(room, hostCmd({ type: "judge", player: a, right: true }), 1100, s);
    apply(room, hostCmd({ type: "unjudge", player: a }), 1200, s);
    const again = apply(room, hostCmd({ type: "judge", player: a, right: false }), 1300, s);
    expect(errors(again)).toEqual([]);
    expect(room.players.get(a)?.points).toBe(-1);
    expect(staffStates(again)[0]?.order[0]?.judged).toBe("wrong");
    expect(sentTo(again, "c1").filter((m) => m.type === "score")).toEqual([
      { type: "score", points: -1, rank: 3, judged: "wrong" },
    ]);
  });

  test("a team's points go back with its member's, in the team the player is in now", () => {
    const { room, s, a, b } = placed();
    apply(room, hostCmd({ type: "rules", rules: { right: 4 } }), 1050, s);
    apply(room, hostCmd({ type: "team", player: a, team: "Red" }), 1060, s);
    apply(room, hostCmd({ type: "team", player: b, team: "Red" }), 1070, s);
    apply(room, hostCmd({ type: "award", player: b, points: 2 }), 1080, s);
    apply(room, hostCmd({ type: "judge", player: a, right: true }), 1100, s);
    // Moved after the mark: its points moved with it, so the undo takes them from Blue.
    apply(room, hostCmd({ type: "team", player: a, team: "Blue" }), 1150, s);
    const undo = apply(room, hostCmd({ type: "unjudge", player: a }), 1200, s);
    expect(staffStates(undo)[0]?.teams.map((t) => [t.name, t.points])).toEqual([
      ["Red", 2],
      ["Blue", 0],
    ]);
  });

  test("an undo survives a restart, and a mark replayed keeps the points an undo after it takes back", () => {
    const { room, s, a, b } = placed();
    apply(room, hostCmd({ type: "rules", rules: { right: 5 } }), 1050, s);
    const journal: Entry[] = snapshot([room], 0);
    const step = (action: Parameters<typeof hostCmd>[0], at: number) =>
      journal.push(...entries(apply(room, hostCmd(action), at, s)));
    step({ type: "judge", player: a, right: true }, 1100);
    step({ type: "judge", player: b, right: true }, 1200);
    step({ type: "unjudge", player: b }, 1300);
    step({ type: "rules", rules: { right: 1 } }, 1400);
    // Two restarts: the second replays the journal the first compacted, its rules those of now.
    const restored = replay(snapshot(replay(journal, 0).values(), 0), 0).get("QUIZ");
    if (!restored) throw new Error("the room did not come back");
    expect([...restored.judged]).toEqual([[a, { verdict: "right", points: 5 }]]);
    expect([a, b].map((id) => restored.players.get(id)?.points)).toEqual([5, 0]);
    // The answer undone before the restart may be marked again after it; the one still marked is undone by its 5.
    expect(errors(apply(restored, hostCmd({ type: "judge", player: b, right: true }), 1500, s))).toEqual([]);
    apply(restored, hostCmd({ type: "unjudge", player: a }), 1600, s);
    expect([a, b].map((id) => restored.players.get(id)?.points)).toEqual([0, 1]);
  });
});
