import { describe, expect, test } from "bun:test";
import type { Entry } from "../../../buzzer/journal.ts";
import { replay } from "../../../buzzer/journal_replay.ts";
import { apply, type EngineCommand } from "../../../buzzer/room/engine.ts";
import { newRoom, type Room } from "../../../buzzer/room/state.ts";
import {
  errors,
  GRACE,
  hostCmd,
  joinCmd,
  leaveCmd,
  nthId,
  ofType,
  sentTo,
  settings,
  tick,
} from "./engine_support.ts";

const HOME = "10.0.0.1";
const ELSEWHERE = "10.0.0.2";
const DANS = "10.0.0.3";
/** The n-th id handed out, as a player id (its first 8 digits). */
const pid = (n: number) => nthId(n).slice(0, 8);

/** A room where Carol (on c1, from HOME, in team Owls) has 5 points and Dan (c2, from DANS) is connected; every journal entry kept. */
function quiz(logging = false) {
  const s = settings({ logging });
  const room = newRoom("QUIZ", "quiz-secret", "open");
  const journal: Entry[] = [{ e: "room", room: "QUIZ", secret: "quiz-secret" }];
  const run = (cmd: EngineCommand, at: number) => {
    const effects = apply(room, cmd, at, s);
    for (const p of ofType(effects, "persist")) journal.push(...p.entries);
    return effects;
  };
  run(joinCmd(room, "c1", { name: "Carol", team: "Owls", address: HOME }), 0);
  run(joinCmd(room, "c2", { name: "Dan", address: DANS }), 0);
  const carol = pid(1);
  run(hostCmd({ type: "award", player: carol, points: 5 }), 10);
  run(tick, 100);
  return { room, s, run, journal, carol };
}

const welcome = (effects: ReturnType<typeof apply>, conn: string) =>
  sentTo(effects, conn).find((m) => m.type === "welcome");

describe("returning", () => {
  test("a join with no token under an offline player's name from its address resumes that player", () => {
    const { room, run, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    const effects = run(joinCmd(room, "c3", { name: "carol", address: HOME }), 2000);
    expect(errors(effects)).toEqual([]);
    expect(welcome(effects, "c3")).toEqual({
      type: "welcome",
      id: carol,
      name: "Carol",
      room: "QUIZ",
      token: nthId(2),
      host: false,
    });
    expect(ofType(effects, "bind")).toEqual([
      { type: "bind", conn: "c3", room: "QUIZ", player: carol, host: false, added: false },
    ]);
    // Nothing new to journal: the same player, on a new connection.
    expect(ofType(effects, "persist")).toEqual([]);
    expect(room.players.size).toBe(2);
    expect(room.players.get(carol)).toMatchObject({ conn: "c3", leftAt: null, points: 5, team: "Owls" });
  });

  test("a connected player's name is still taken: the newcomer is Carol (2)", () => {
    const { room, run } = quiz();
    const effects = run(joinCmd(room, "c3", { name: "Carol", address: HOME }), 2000);
    expect(welcome(effects, "c3")).toMatchObject({ id: pid(5), name: "Carol (2)" });
    expect(room.players.get(pid(5))?.points).toBe(0);
  });

  test("from another address an offline player's name is someone else's: a new player, with no points", () => {
    const { room, run, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    const effects = run(joinCmd(room, "c3", { name: "Carol", address: ELSEWHERE }), 2000);
    expect(welcome(effects, "c3")).toMatchObject({ id: pid(5), name: "Carol (2)" });
    expect(room.players.get(pid(5))?.points).toBe(0);
    expect(room.players.get(carol)).toMatchObject({ conn: null, points: 5 });
  });

  test("a player remembers the address it last joined from: a token resume elsewhere moves it", () => {
    const { room, run, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    run(joinCmd(room, "c3", { token: nthId(2), address: ELSEWHERE }), 1500);
    run(leaveCmd("c3", carol), 1600);
    const effects = run(joinCmd(room, "c4", { name: "Carol", address: HOME }), 2000);
    expect(welcome(effects, "c4")).toMatchObject({ name: "Carol (2)" });
    const back = run(joinCmd(room, "c5", { name: "Carol", address: ELSEWHERE }), 2100);
    expect(welcome(back, "c5")).toMatchObject({ id: carol, name: "Carol" });
  });

  test("a banned name stays banned, from the same address too", () => {
    const { room, run, carol } = quiz();
    run(hostCmd({ type: "kick", player: carol, ban: true }), 1000);
    const effects = run(joinCmd(room, "c3", { name: "Carol", address: HOME }), 2000);
    expect(errors(effects)).toEqual([
      { conn: "c3", code: "BANNED", message: "you were removed from room QUIZ by the host" },
    ]);
  });

  test("a departed line's name from its address brings its points and team back, and a replay agrees", () => {
    const { room, run, journal, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    run({ type: "sweep" }, 1000 + GRACE);
    expect(room.departed.get(carol)).toEqual({
      name: "Carol",
      team: "Owls",
      points: 5,
      address: HOME,
      token: nthId(2),
    });
    const effects = run(joinCmd(room, "c3", { name: "Carol", address: HOME }), 2000 + GRACE);
    const id = pid(5);
    expect(welcome(effects, "c3")).toMatchObject({ id, name: "Carol" });
    expect(room.players.get(id)).toMatchObject({ points: 5, team: "Owls" });
    expect(room.departed.size).toBe(0);
    expect(room.returning.size).toBe(0);
    expect(room.teams.get("owls")).toEqual({ name: "Owls", members: 1 });
    run(tick, 3000 + GRACE);
    expect(room.told.scores).toEqual([{ id, name: "Carol", team: "Owls", points: 5, rank: 1 }]);
    const restored = replay(journal, 0).get("QUIZ");
    expect(restored?.departed.size).toBe(0);
    expect(restored?.players.get(id)).toMatchObject({ name: "Carol", points: 5, team: "Owls" });
  });

  test("a departed line's name from another address is a new player, Carol (2), with no points; the line stays", () => {
    const { room, run, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    run({ type: "sweep" }, 1000 + GRACE);
    const effects = run(joinCmd(room, "c3", { name: "CAROL", address: ELSEWHERE }), 2000 + GRACE);
    // The name as the line spells it: the one the newcomer sees on the board.
    expect(welcome(effects, "c3")).toMatchObject({ name: "CAROL (2)", taken: "Carol" });
    expect(room.players.get(pid(5))?.points).toBe(0);
    expect(room.departed.get(carol)?.points).toBe(5);
  });

  test("a departed line's resume token brings its points, team and name back from any address, and a replay agrees", () => {
    const { room, run, journal, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    run({ type: "sweep" }, 1000 + GRACE);
    // The phone still sends the name it was given when it joined, and its token.
    const effects = run(
      joinCmd(room, "c3", { name: "Caz", token: nthId(2), address: ELSEWHERE }),
      2000 + GRACE,
    );
    const id = pid(5);
    expect(errors(effects)).toEqual([]);
    expect(welcome(effects, "c3")).toEqual({
      type: "welcome",
      id,
      name: "Carol",
      room: "QUIZ",
      token: nthId(2),
      host: false,
    });
    expect(room.players.get(id)).toMatchObject({ points: 5, team: "Owls", address: ELSEWHERE });
    expect(room.departed.size).toBe(0);
    run(tick, 3000 + GRACE);
    expect(room.told.scores).toEqual([{ id, name: "Carol", team: "Owls", points: 5, rank: 1 }]);
    // Back for good: the token resumes the player as any player's does.
    run(leaveCmd("c3", id), 4000 + GRACE);
    const again = run(joinCmd(room, "c4", { token: nthId(2), address: HOME }), 5000 + GRACE);
    expect(welcome(again, "c4")).toMatchObject({ id, name: "Carol" });
    const restored = replay(journal, 0).get("QUIZ");
    expect(restored?.departed.size).toBe(0);
    expect(restored?.players.get(id)).toMatchObject({
      name: "Carol",
      points: 5,
      team: "Owls",
      token: nthId(2),
    });
  });

  test("a departed line keeps its token through a restart", () => {
    const { room, run, journal, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    run({ type: "sweep" }, 1000 + GRACE);
    expect(room.departed.has(carol)).toBe(true);
    const restored = replay(journal, 0).get("QUIZ") as Room;
    const back = apply(
      restored,
      joinCmd(restored, "c3", { token: nthId(2), address: ELSEWHERE }),
      2000,
      settings(),
    );
    expect(welcome(back, "c3")).toMatchObject({ name: "Carol" });
    expect([...restored.players.values()].find((p) => p.name === "Carol")).toMatchObject({
      points: 5,
      team: "Owls",
    });
    expect(restored.departed.size).toBe(0);
  });

  test("after a restart a player's name from its address resumes it: the journal keeps the address", () => {
    const { room, run, journal, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    // Dan resumes with its token from elsewhere: its new address is journaled too.
    run(leaveCmd("c2", pid(3)), 1000);
    run(joinCmd(room, "c9", { token: nthId(4), address: ELSEWHERE }), 1100);
    run(leaveCmd("c9", pid(3)), 1200);
    const restored = replay(journal, 0).get("QUIZ") as Room;
    const again = (cmd: EngineCommand, at: number) => apply(restored, cmd, at, settings());
    const back = again(joinCmd(restored, "c3", { name: "Carol", address: HOME }), 2000);
    expect(welcome(back, "c3")).toMatchObject({ id: carol, name: "Carol" });
    expect(restored.players.get(carol)).toMatchObject({ conn: "c3", points: 5, team: "Owls" });
    const other = again(joinCmd(restored, "c4", { name: "Dan", address: DANS }), 2000);
    expect(welcome(other, "c4")).toMatchObject({ name: "Dan (2)" });
    const dan = again(joinCmd(restored, "c5", { name: "Dan", address: ELSEWHERE }), 2000);
    expect(welcome(dan, "c5")).toMatchObject({ id: pid(3), name: "Dan" });
  });

  test("a join with a resume token is never matched by name", () => {
    const { room, run, carol } = quiz();
    run(leaveCmd("c1", carol), 1000);
    const effects = run(joinCmd(room, "c3", { name: "Carol", token: nthId(99), address: HOME }), 2000);
    expect(welcome(effects, "c3")).toMatchObject({ name: "Carol (2)" });
  });

  describe("on an address another player joined from too (a venue's Wi-Fi)", () => {
    test("an offline player's name is someone new, told whom it did not become; the player away keeps its points", () => {
      const { room, run, carol } = quiz();
      run(leaveCmd("c1", carol), 1000);
      run(joinCmd(room, "c3", { name: "Eve", address: HOME }), 1500);
      const effects = run(joinCmd(room, "c4", { name: "carol", address: HOME }), 2000);
      const id = pid(7);
      expect(welcome(effects, "c4")).toEqual({
        type: "welcome",
        id,
        name: "carol (2)",
        room: "QUIZ",
        token: nthId(8),
        host: false,
        away: "Carol",
      });
      expect(room.players.get(id)).toMatchObject({ points: 0, team: null, address: HOME });
      expect(room.players.get(carol)).toMatchObject({ conn: null, points: 5, team: "Owls" });
      // Carol's own token still brings Carol back, from the shared address too.
      const back = run(joinCmd(room, "c5", { token: nthId(2), address: HOME }), 2100);
      expect(welcome(back, "c5")).toMatchObject({ id: carol, name: "Carol" });
    });

    test("a player offline within the grace shares the address too", () => {
      const { room, run, carol } = quiz();
      run(joinCmd(room, "c3", { name: "Eve", address: HOME }), 500);
      run(leaveCmd("c3", pid(5)), 600);
      run(leaveCmd("c1", carol), 1000);
      const effects = run(joinCmd(room, "c4", { name: "Carol", address: HOME }), 2000);
      expect(welcome(effects, "c4")).toMatchObject({ name: "Carol (2)", away: "Carol" });
      expect(room.players.get(carol)?.conn).toBeNull();
    });

    test("a departed line's name is a new player with no points, told whom it did not become; the line stays", () => {
      const { room, run, carol } = quiz();
      run(leaveCmd("c1", carol), 1000);
      run({ type: "sweep" }, 1000 + GRACE);
      run(joinCmd(room, "c3", { name: "Eve", address: HOME }), 1500 + GRACE);
      const effects = run(joinCmd(room, "c4", { name: "Carol", address: HOME }), 2000 + GRACE);
      expect(welcome(effects, "c4")).toMatchObject({ id: pid(7), name: "Carol (2)", away: "Carol" });
      expect(welcome(effects, "c4")).not.toHaveProperty("taken");
      expect(room.players.get(pid(7))).toMatchObject({ points: 0, team: null });
      expect(room.departed.get(carol)?.points).toBe(5);
    });

    test("another departed line from the address shares it too", () => {
      const { room, run, carol } = quiz();
      run(joinCmd(room, "c3", { name: "Eve", address: HOME }), 200);
      run(hostCmd({ type: "award", player: pid(5), points: 2 }), 300);
      run(leaveCmd("c3", pid(5)), 400);
      run(leaveCmd("c1", carol), 1000);
      run({ type: "sweep" }, 400 + GRACE);
      expect(room.departed.get(pid(5))).toMatchObject({ name: "Eve", address: HOME });
      const effects = run(joinCmd(room, "c4", { name: "Carol", address: HOME }), 500 + GRACE);
      expect(welcome(effects, "c4")).toMatchObject({ name: "Carol (2)", away: "Carol" });
    });

    test("the server's log says whom the newcomer is not", () => {
      const { room, run, carol } = quiz(true);
      run(leaveCmd("c1", carol), 1000);
      run(joinCmd(room, "c3", { name: "Eve", address: HOME }), 1500);
      const effects = run(joinCmd(room, "c4", { name: "Carol", address: HOME }), 2000);
      expect(ofType(effects, "log").map((e) => e.line)).toEqual([
        "[QUIZ] Carol (2) joined, not Carol: the address is shared",
      ]);
    });
  });
});
