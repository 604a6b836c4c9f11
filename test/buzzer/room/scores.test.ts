import { describe, expect, test } from "bun:test";
import { LIMITS, VIEW } from "../../../buzzer/protocol.ts";
import { addLine, DEPARTED_KEPT } from "../../../buzzer/room/board.ts";
import type { RoomEffect } from "../../../buzzer/room/commands.ts";
import { PUBLISH_DELAY } from "../../../buzzer/room/effects.ts";
import { apply } from "../../../buzzer/room/engine.ts";
import { newRoom, type Player } from "../../../buzzer/room/state.ts";
import { listed } from "../../../buzzer/room/views.ts";
import {
  buzz,
  buzzes,
  deltas,
  errors,
  GRACE,
  hostCmd,
  joinCmd,
  leaveCmd,
  nthId,
  ofType,
  roomWith,
  sentTo,
  settings,
  staffStates,
  tick,
} from "./engine_support.ts";

/** The `score` messages sent, as [conn, points, rank]. */
function scoreMessages(effects: ReturnType<typeof apply>) {
  return effects.flatMap((e) =>
    e.type === "send" && e.msg.type === "score" ? [[e.conn, e.msg.points, e.msg.rank, e.msg.team]] : [],
  );
}

describe("scores", () => {
  test("award gives points: journaled, on every screen, and each player told its own changed score", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const [a, b, c] = ids as [string, string, string];
    apply(room, hostCmd({ type: "award", player: b, points: 3 }), 100, s);
    const effects = apply(room, hostCmd({ type: "award", player: c, points: -2 }), 200, s);
    expect(ofType(effects, "persist")).toEqual([
      { type: "persist", entries: [{ e: "score", room: "QUIZ", id: c, name: "P3", team: null, points: -2 }] },
    ]);
    expect(deltas(effects)).toEqual([
      {
        type: "delta",
        room: "QUIZ",
        version: 3,
        scores: [
          { id: b, name: "P2", points: 3, rank: 1 },
          { id: c, name: "P3", points: -2, rank: 3 },
        ],
      },
    ]);
    // A line at 0 is no news on any screen; its rank still counts it.
    expect(staffStates(effects)[0]?.scores).toEqual([
      { id: b, name: "P2", points: 3, rank: 1 },
      { id: c, name: "P3", points: -2, rank: 3 },
    ]);
    expect(staffStates(effects)[0]?.players.find((p) => p.id === a)?.points).toBe(0);
    expect(staffStates(effects)[0]?.players.map((p) => p.points)).toEqual([0, 3, -2]);
    // P1's rank did not change with this award (2 since P2's): only P3 is told.
    expect(scoreMessages(effects)).toEqual([["c3", -2, 3, undefined]]);
    expect(room.players.get(a)?.told).toBe("0 2 ");
  });

  test("judge gives the rules' points for right and wrong, once per answer: a second mark is refused", () => {
    const { room, s, ids } = roomWith([null]);
    const a = ids[0] as string;
    apply(room, hostCmd({ type: "rules", rules: { right: 5, wrong: -2 } }), 50, s);
    apply(room, hostCmd({ type: "judge", player: a, right: true }), 100, s);
    const again = apply(room, hostCmd({ type: "judge", player: a, right: false }), 110, s);
    expect(errors(again)).toEqual([
      { conn: "h", code: "ALREADY_JUDGED", message: "P1's answer is already marked right this round" },
    ]);
    expect(room.players.get(a)?.points).toBe(5);
    apply(room, hostCmd({ type: "reset" }), 115, s);
    const effects = apply(room, hostCmd({ type: "judge", player: a, right: false }), 120, s);
    expect(room.players.get(a)?.points).toBe(3);
    expect(scoreMessages(effects)).toEqual([["c1", 3, 1, undefined]]);
  });

  test("judge journals the mark, even one worth no points, so a restart still refuses a second", () => {
    const { room, s, ids } = roomWith([null]);
    const a = ids[0] as string;
    const effects = apply(room, hostCmd({ type: "judge", player: a, right: false }), 100, s);
    expect(ofType(effects, "persist").flatMap((p) => p.entries)).toEqual([
      { e: "judged", room: "QUIZ", round: 1, id: a, verdict: "wrong", points: 0 },
    ]);
    apply(room, hostCmd({ type: "reset" }), 200, s);
    const next = apply(room, hostCmd({ type: "judge", player: a, right: true }), 300, s);
    expect(ofType(next, "persist").flatMap((p) => p.entries)).toEqual([
      { e: "judged", room: "QUIZ", round: 2, id: a, verdict: "right", points: 1 },
      { e: "score", room: "QUIZ", id: a, name: "P1", team: null, points: 1 },
    ]);
  });

  test("judge logs every mark for the server's terminal, one worth no points too", () => {
    const { room, s, ids } = roomWith([null, null], "open", settings({ logging: true }));
    const [a, b] = ids as [string, string];
    const lines = (effects: RoomEffect[]) => ofType(effects, "log").map((e) => e.line);
    expect(lines(apply(room, hostCmd({ type: "judge", player: a, right: true }), 100, s))).toEqual([
      "[QUIZ] P1: +1 (right), 1 in all",
    ]);
    expect(lines(apply(room, hostCmd({ type: "judge", player: b, right: false }), 110, s))).toEqual([
      "[QUIZ] P2: wrong, no points",
    ]);
  });

  test("a marked answer says so in every client's order: players are sent the marked place again", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const [a, b, c] = ids as [string, string, string];
    apply(room, buzzes(buzz("c1", a, 100), buzz("c2", b, 150), buzz("c3", c, 200)), 250, s);
    apply(room, tick, 1000, s);
    expect(room.told.places).toBe(3);
    const effects = apply(room, hostCmd({ type: "judge", player: b, right: false }), 1100, s);
    const order = staffStates(effects)[0]?.order ?? [];
    expect(order.map((p) => [p.name, p.judged])).toEqual([
      ["P1", undefined],
      ["P2", "wrong"],
      ["P3", undefined],
    ]);
    // From the marked place on: the places before it are unchanged on the phones.
    expect(deltas(effects).flatMap((d) => d.order ?? [])).toEqual([
      { id: b, name: "P2", place: 2, gap: 0.05, photo: false, judged: "wrong" },
      { id: c, name: "P3", place: 3, gap: 0.1, photo: false },
    ]);
    // A phone that joins or asks for a snapshot sees the mark too.
    const right = apply(room, hostCmd({ type: "judge", player: a, right: true }), 1200, s);
    expect(
      deltas(right)
        .flatMap((d) => d.order ?? [])
        .map((p) => [p.place, p.judged]),
    ).toEqual([
      [1, "right"],
      [2, "wrong"],
      [3, undefined],
    ]);
    const synced = apply(room, { type: "sync", conn: "c3", room: "QUIZ", player: c }, 1300, s);
    const snapshot = sentTo(synced, "c3").find((m) => m.type === "state");
    expect(snapshot?.type === "state" && snapshot.order.map((p) => p.judged)).toEqual([
      "right",
      "wrong",
      undefined,
    ]);
  });

  test("a mark on a place players were not sent (past the top VIEW.top) sends them no place", () => {
    const { room, s, ids } = roomWith(Array(VIEW.top + 1).fill(null));
    const presses = ids.map((id, i) => buzz(`c${i + 1}`, id, 100 + i * 10));
    apply(room, buzzes(...presses), 400, s);
    apply(room, tick, 1000, s);
    const effects = apply(
      room,
      hostCmd({ type: "judge", player: ids[VIEW.top] as string, right: true }),
      1100,
      s,
    );
    expect(deltas(effects)).toHaveLength(1);
    expect(deltas(effects)[0]?.order).toBeUndefined();
  });

  test("a marked player is told its mark in its own score message, worth points or not, and in its snapshot", () => {
    const { room, s, ids } = roomWith(Array(VIEW.top + 2).fill(null));
    const presses = ids.map((id, i) => buzz(`c${i + 1}`, id, 100 + i * 10));
    apply(room, buzzes(...presses), 400, s);
    apply(room, tick, 1000, s);
    const twelfth = ids[VIEW.top + 1] as string;
    const conn = `c${VIEW.top + 2}`;
    const right = apply(room, hostCmd({ type: "judge", player: twelfth, right: true }), 1100, s);
    // Only the marked player hears of its mark, once.
    const marks = right.flatMap((e) =>
      e.type === "send" && e.msg.type === "score" && e.msg.judged ? [[e.conn, e.msg.judged]] : [],
    );
    expect(marks).toEqual([[conn, "right"]]);
    expect(sentTo(right, conn).filter((m) => m.type === "score")).toEqual([
      { type: "score", points: 1, rank: 1, judged: "right" },
    ]);
    const synced = apply(room, { type: "sync", conn, room: "QUIZ", player: twelfth }, 1200, s);
    const snapshot = sentTo(synced, conn).find((m) => m.type === "state");
    expect(snapshot?.type === "state" && snapshot.you).toEqual({ points: 1, rank: 1, judged: "right" });
    // A wrong answer worth nothing is told as well: nothing else would say it.
    const eleventh = ids[VIEW.top] as string;
    const wrong = apply(room, hostCmd({ type: "judge", player: eleventh, right: false }), 1300, s);
    expect(sentTo(wrong, `c${VIEW.top + 1}`).filter((m) => m.type === "score")).toEqual([
      { type: "score", points: 0, rank: 2, judged: "wrong" },
    ]);
  });

  test("refuses an award, judge, team or forgive for an unknown player with NO_SUCH_PLAYER", () => {
    const { room, s } = roomWith([null]);
    for (const action of [
      { type: "award", player: "nobody", points: 1 },
      { type: "judge", player: "nobody", right: true },
      { type: "team", player: "nobody", team: "Red" },
      { type: "forgive", player: "nobody" },
    ] as const) {
      expect(errors(apply(room, hostCmd(action), 50, s))).toEqual([
        { conn: "h", code: "NO_SUCH_PLAYER", message: "no player nobody in room QUIZ" },
      ]);
    }
  });

  test("ranks equal points alike and orders them by name", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const [a, b, c] = ids as [string, string, string];
    apply(room, hostCmd({ type: "award", player: c, points: 2 }), 100, s);
    const effects = apply(room, hostCmd({ type: "award", player: a, points: 2 }), 100, s);
    // A line at 0 is not shown, but counted: P2 is third.
    expect(staffStates(effects)[0]?.scores.map((l) => [l.name, l.rank])).toEqual([
      ["P1", 1],
      ["P3", 1],
    ]);
    // P1 moves up to 1, P2 down to 3 (two players above it now), P3 stays at 1.
    expect(scoreMessages(effects)).toEqual([
      ["c1", 2, 1, undefined],
      ["c2", 0, 3, undefined],
    ]);
    expect(room.players.get(b)?.told).toBe("0 3 ");
    const after = apply(room, hostCmd({ type: "award", player: b, points: -1 }), 100, s);
    expect(staffStates(after)[0]?.scores.map((l) => [l.name, l.rank])).toEqual([
      ["P1", 1],
      ["P3", 1],
      ["P2", 3],
    ]);
  });

  test("a false start costs the rules' points and forgive gives them back and lifts the lockout", () => {
    const { room, s, ids } = roomWith([null, null], "locked");
    const [a] = ids as [string, string];
    apply(room, hostCmd({ type: "rules", rules: { falseStart: -1 } }), 10, s);
    const early = apply(room, buzzes(buzz("c1", a, 100)), 100, s);
    expect(errors(early)).toEqual([
      {
        conn: "c1",
        code: "FALSE_START",
        message: "too early: you are locked out of this round",
        falseStart: "early",
      },
    ]);
    expect(room.players.get(a)?.points).toBe(-1);
    apply(room, tick, 100 + PUBLISH_DELAY, s);
    const forgiven = apply(room, hostCmd({ type: "forgive", player: a }), 200, s);
    expect(room.players.get(a)?.points).toBe(0);
    expect(ofType(forgiven, "persist").flatMap((p) => p.entries)).toEqual([
      { e: "round", room: "QUIZ", number: 1, phase: "locked", releaseAt: null, lockedOut: [] },
      { e: "score", room: "QUIZ", id: a, name: "P1", team: null, points: 0 },
    ]);
    expect(staffStates(forgiven)[0]?.players[0]).toMatchObject({ lockedOut: false, points: 0 });
    // Its own snapshot tells the player it may buzz again (deltas carry nothing of one player's own).
    expect(sentTo(forgiven, "c1")).toContainEqual(
      expect.objectContaining({ type: "state", lockedOut: false, you: { points: 0, rank: 1 } }),
    );
    apply(room, hostCmd({ type: "arm" }), 300, s);
    const again = [...apply(room, buzzes(buzz("c1", a, 310)), 310, s), ...apply(room, tick, 2000, s)];
    expect(sentTo(again, "c1")).toContainEqual(expect.objectContaining({ type: "verdict", place: 1 }));
  });

  test("a press too late costs nothing, and forgiving it gives nothing back", () => {
    const { room, s, ids } = roomWith([null, null], "open");
    const [a, b] = ids as [string, string];
    apply(room, hostCmd({ type: "rules", rules: { falseStart: -1 } }), 10, s);
    apply(room, buzzes(buzz("c1", a, 100)), 100, s);
    apply(room, hostCmd({ type: "lock" }), 2000, s);
    const late = apply(room, buzzes(buzz("c2", b, 2100)), 2100, s);
    expect(errors(late)).toEqual([
      {
        conn: "c2",
        code: "FALSE_START",
        message: "too late: the round had closed, so you are locked out of it",
        falseStart: "late",
      },
    ]);
    expect(room.round.lockedOut).toEqual([b]);
    expect(room.players.get(b)?.points).toBe(0);
    // Hosts and viewers are told it came too late: no false start to show, sound or forgive.
    expect(listed(room, room.players.get(b) as Player)).toMatchObject({ lockedOut: true, late: true });
    apply(room, hostCmd({ type: "forgive", player: b }), 2200, s);
    expect(room.round.lockedOut).toEqual([]);
    expect(room.players.get(b)?.points).toBe(0);
  });

  test("scores sends the host the leaderboard as CSV, with formula-like names made text", () => {
    const room = newRoom("QUIZ", "quiz-secret");
    const s = settings();
    apply(room, joinCmd(room, "c1", { name: "=SUM(A1)", team: "Red, Blue" }), 0, s);
    apply(room, joinCmd(room, "c2", { name: "Bob" }), 0, s);
    const [a] = [...room.players.keys()] as [string];
    apply(room, hostCmd({ type: "award", player: a, points: 2 }), 10, s);
    const [msg] = sentTo(apply(room, hostCmd({ type: "scores" }), 20, s), "h");
    expect(msg).toEqual({
      type: "scores",
      format: "csv",
      data: 'rank,name,team,points\n1,\'=SUM(A1),"Red, Blue",2\n2,Bob,,0\n',
    });
  });
});

describe("teams", () => {
  test("a new player joins a team; a later one matches it case-insensitively and keeps its spelling", () => {
    const room = newRoom("QUIZ", "quiz-secret");
    const s = settings();
    const first = apply(room, joinCmd(room, "c1", { name: "Ann", team: "  Red Team " }), 0, s);
    const [a] = [...room.players.keys()] as [string];
    expect(ofType(first, "persist")[0]?.entries).toEqual([
      {
        e: "player",
        room: "QUIZ",
        id: a,
        name: "Ann",
        token: expect.any(String),
        plain: false,
        address: "10.0.0.1",
      },
      { e: "score", room: "QUIZ", id: a, name: "Ann", team: "Red Team", points: 0 },
    ]);
    expect(sentTo(first, "c1")[1]).toMatchObject({ you: { points: 0, rank: 1, team: "Red Team" } });
    apply(room, joinCmd(room, "c2", { name: "Bob", team: "RED TEAM" }), 0, s);
    apply(room, joinCmd(room, "c3", { name: "Cy", team: "Blue" }), 0, s);
    expect([...room.players.values()].map((p) => p.team)).toEqual(["Red Team", "Red Team", "Blue"]);
    const due = apply(room, tick, PUBLISH_DELAY, s);
    expect(deltas(due)[0]?.teams).toEqual([
      { name: "Blue", points: 0, players: 1, rank: 1 },
      { name: "Red Team", points: 0, players: 2, rank: 1 },
    ]);
  });

  test("refuses a bad team name with BAD_TEAM and a team past LIMITS.teams with TOO_MANY_TEAMS", () => {
    const room = newRoom("QUIZ", "quiz-secret");
    const s = settings();
    const bad = (team: string) => errors(apply(room, joinCmd(room, "x", { name: "X", team }), 0, s));
    expect(bad("   ")).toEqual([{ conn: "x", code: "BAD_TEAM", message: "team must not be empty" }]);
    expect(bad("t".repeat(LIMITS.team + 1))).toEqual([
      { conn: "x", code: "BAD_TEAM", message: `team must be at most ${LIMITS.team} characters` },
    ]);
    expect(bad("a\u0007b")).toEqual([
      { conn: "x", code: "BAD_TEAM", message: "team must not contain control characters" },
    ]);
    for (let i = 0; i < LIMITS.teams; i++) apply(room, joinCmd(room, `c${i}`, { team: `T${i}` }), 0, s);
    expect(bad("One more")).toEqual([
      { conn: "x", code: "TOO_MANY_TEAMS", message: "room QUIZ has 20 teams already: join one of them" },
    ]);
    // An existing team still takes players.
    expect(bad("t0")).toEqual([]);
    expect(room.players.size).toBe(LIMITS.teams + 1);
  });

  test("the host puts a player in a team or in none; a team's score is its members' points", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const [a, b, c] = ids as [string, string, string];
    apply(room, hostCmd({ type: "team", player: a, team: "Red" }), 10, s);
    apply(room, hostCmd({ type: "team", player: b, team: "red" }), 20, s);
    apply(room, hostCmd({ type: "team", player: c, team: "Blue" }), 30, s);
    apply(room, hostCmd({ type: "award", player: a, points: 2 }), 40, s);
    apply(room, hostCmd({ type: "award", player: c, points: 3 }), 50, s);
    const moved = apply(room, hostCmd({ type: "team", player: b, team: null }), 60, s);
    expect(ofType(moved, "persist")[0]?.entries).toEqual([
      { e: "score", room: "QUIZ", id: b, name: "P2", team: null, points: 0 },
    ]);
    expect(staffStates(moved)[0]?.teams).toEqual([
      { name: "Blue", points: 3, players: 1, rank: 1 },
      { name: "Red", points: 2, players: 1, rank: 2 },
    ]);
    expect(scoreMessages(moved)).toEqual([["c2", 0, 3, undefined]]);
    const bad = apply(room, hostCmd({ type: "team", player: b, team: "" }), 70, s);
    expect(errors(bad)).toEqual([{ conn: "h", code: "BAD_TEAM", message: "team must not be empty" }]);
  });
});

describe("team sizes", () => {
  test("a team counts its members here now, and those away apart, in every view, as they leave and come back", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const [a, b, c] = ids as [string, string, string];
    for (const id of [a, b, c]) apply(room, hostCmd({ type: "team", player: id, team: "Red" }), 10, s);
    apply(room, tick, 10 + PUBLISH_DELAY, s);
    apply(room, leaveCmd("c1", a), 100, s);
    const away = apply(room, tick, 100 + PUBLISH_DELAY, s);
    const red = { name: "Red", points: 0, rank: 1 };
    expect(staffStates(away)[0]?.teams).toEqual([{ ...red, players: 2, away: 1 }]);
    expect(deltas(away)[0]?.teams).toEqual([{ ...red, players: 2, away: 1 }]);
    // Back on a new connection with its token: one of the three here again.
    apply(room, joinCmd(room, "c9", { token: nthId(2) }), 200, s);
    const back = apply(room, tick, 200 + PUBLISH_DELAY, s);
    expect(room.players.get(a)?.conn).toBe("c9");
    expect(staffStates(back)[0]?.teams).toEqual([{ ...red, players: 3 }]);
    expect(deltas(back)[0]?.teams).toEqual([{ ...red, players: 3 }]);
  });
});

describe("departed players' lines", () => {
  test("a player forgotten after the grace keeps its line; a kicked one's goes", () => {
    const { room, s, ids } = roomWith([null, null]);
    const [a, b] = ids as [string, string];
    apply(room, hostCmd({ type: "team", player: a, team: "Red" }), 10, s);
    apply(room, hostCmd({ type: "award", player: a, points: 4 }), 10, s);
    apply(room, hostCmd({ type: "award", player: b, points: 1 }), 10, s);
    apply(room, leaveCmd("c1", a), 100, s);
    apply(room, { type: "sweep" }, 100 + GRACE, s);
    expect(room.players.has(a)).toBe(false);
    const after = apply(room, tick, 100 + GRACE + PUBLISH_DELAY, s);
    expect(staffStates(after)[0]?.scores).toEqual([
      { id: a, name: "P1", team: "Red", points: 4, rank: 1 },
      { id: b, name: "P2", points: 1, rank: 2 },
    ]);
    expect(staffStates(after)[0]?.teams).toEqual([{ name: "Red", points: 4, players: 0, rank: 1 }]);
    const kicked = apply(room, hostCmd({ type: "kick", player: b }), 200 + GRACE, s);
    expect(staffStates(kicked)[0]?.scores.map((l) => l.name)).toEqual(["P1"]);
  });

  test("a rank is out of every line on the board: a departed player with points counts, one without does not", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const [a, b, c] = ids as [string, string, string];
    apply(room, hostCmd({ type: "award", player: a, points: 4 }), 10, s);
    apply(room, tick, 10 + PUBLISH_DELAY, s);
    apply(room, leaveCmd("c1", a), 100, s);
    apply(room, leaveCmd("c2", b), 100, s);
    apply(room, { type: "sweep" }, 100 + GRACE, s);
    const after = apply(room, tick, 100 + GRACE + PUBLISH_DELAY, s);
    // P1 left with 4 points and keeps its line; P2 left with none and is gone: P3 is 2nd of 2.
    expect(deltas(after)).toEqual([
      { type: "delta", room: "QUIZ", version: room.version, playerCount: 1, scoreCount: 2 },
    ]);
    expect(staffStates(after)[0]).toMatchObject({ playerCount: 1, scoreCount: 2 });
    const synced = apply(room, { type: "sync", conn: "c3", room: "QUIZ", player: c }, 200 + GRACE, s);
    expect(sentTo(synced, "c3")[0]).toMatchObject({
      type: "state",
      playerCount: 1,
      scoreCount: 2,
      you: { points: 0, rank: 2 },
    });
  });

  test(`keeps at most DEPARTED_KEPT departed lines, dropping the lowest`, () => {
    const room = newRoom("QUIZ", "quiz-secret");
    for (let i = 0; i <= DEPARTED_KEPT; i++)
      addLine(room, `p${i}`, { name: `P${i}`, team: null, points: i + 1 });
    expect(room.departed.size).toBe(DEPARTED_KEPT);
    expect(room.departed.has("p0")).toBe(false);
    expect(room.departed.has(`p${DEPARTED_KEPT}`)).toBe(true);
  });
});
