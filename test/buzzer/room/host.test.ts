import { describe, expect, test } from "bun:test";
import { PUBLISH_DELAY } from "../../../buzzer/room/effects.ts";
import { apply } from "../../../buzzer/room/engine.ts";
import {
  buzz,
  buzzes,
  deltas,
  errors,
  FAST,
  hostCmd,
  joinCmd,
  ofType,
  roomWith,
  SLOW,
  sentTo,
  staffStates,
  tick,
  verdicts,
  wakeAt,
} from "./engine_support.ts";

describe("host", () => {
  test("reset places pending presses first, publishes the final order, then clears the round", () => {
    const { room, s, ids } = roomWith([FAST, SLOW]);
    const a = ids[0] as string;
    apply(room, buzzes(buzz("c1", a, 995, 1000)), 1000, s);
    expect(room.claims.size).toBe(1);
    const effects = apply(
      room,
      { type: "host", conn: "h", room: "QUIZ", action: { type: "reset" } },
      1010,
      s,
    );
    expect(effects.map((e) => (e.type === "send" ? `send ${e.msg.type}` : e.type))).toEqual([
      "persist",
      "send verdict",
      "records",
      "publish",
      "publish",
      "persist",
      "publish",
      "publish",
      "wake",
    ]);
    expect(verdicts(effects)).toEqual([["c1", "first place!"]]);
    // Players get the final order as a delta, then the new round, whose delta replaces the order.
    expect(deltas(effects)).toEqual([
      {
        type: "delta",
        room: "QUIZ",
        version: 2,
        order: [{ id: a, name: "P1", place: 1, gap: 0, photo: false }],
      },
      { type: "delta", room: "QUIZ", version: 3, round: 2, phase: "locked" },
    ]);
    const [final, next] = staffStates(effects);
    expect(final).toMatchObject({ version: 2, round: 1, order: [{ id: a, place: 1 }] });
    expect(next).toMatchObject({ version: 3, round: 2, phase: "locked", order: [] });
    expect(ofType(effects, "persist")[1]?.entries).toEqual([
      {
        e: "round",
        room: "QUIZ",
        number: 2,
        phase: "locked",
        releaseAt: null,
        lockedOut: [],
        startedAt: 1010,
      },
    ]);
    expect(room.claims.size).toBe(0);
    expect(room.settleAt).toBeNull();
    expect(wakeAt(effects)).toBeNull();
  });

  // The host moved on while a buzz was on its way: it was pressed in the round that is over.
  test("next refuses a buzz pressed before it with ROUND_OVER, locking no one out of the new round", () => {
    const { room, s, ids } = roomWith([FAST, FAST]);
    const [a, b] = ids as [string, string];
    apply(room, buzzes(buzz("c1", a, 995, 1000)), 1000, s);
    apply(room, tick, 1100, s);
    apply(room, hostCmd({ type: "next" }), 1200, s);
    const late = apply(room, buzzes(buzz("c2", b, 1190, 1205)), 1205, s);
    expect(errors(late)).toEqual([
      { conn: "c2", code: "ROUND_OVER", message: "that press was made in round 1, which is over" },
    ]);
    expect(room.round.lockedOut).toEqual([]);
    apply(room, buzzes(buzz("c2", b, 1210, 1215)), 1215, s);
    expect(verdicts(apply(room, tick, 1300, s))).toEqual([["c2", "first place!"]]);
  });

  // The host's lock can come in the instant after GO, before the tick that opens the round has run.
  test("lock after a countdown has ended locks the round as open: a press made after GO is no false start", () => {
    const { room, s, ids } = roomWith([FAST, FAST], "locked");
    const [a] = ids as [string, string];
    apply(room, hostCmd({ type: "arm", countdown: 100 }), 900, s);
    apply(room, hostCmd({ type: "lock" }), 1005, s);
    expect(room.round.lockedAt).toBe(1005);
    expect(room.lockedBy).toBe("host");
    const late = apply(room, buzzes(buzz("c1", a, 1002, 1010)), 1010, s);
    expect(errors(late)).toEqual([]);
    expect(room.round.pending.map((p) => p.player)).toEqual([a]);
  });

  // The host locked the question to hear an answer, then opened it again to the others.
  test("a press made before the host's lock, heard after the host opened the round again, is placed first, not a false start", () => {
    const { room, s, ids } = roomWith([FAST, FAST], "locked");
    const [a, b] = ids as [string, string];
    apply(room, hostCmd({ type: "arm" }), 1000, s);
    apply(room, hostCmd({ type: "lock" }), 1200, s);
    apply(room, hostCmd({ type: "arm" }), 1500, s);
    apply(room, buzzes(buzz("c2", b, 1510, 1512)), 1512, s);
    // a's press at 1150 was slow on its way: it arrives after b's, and with it everyone has pressed.
    const late = apply(room, buzzes(buzz("c1", a, 1150, 1515)), 1515, s);
    expect(errors(late)).toEqual([]);
    expect(room.round.lockedOut).toEqual([]);
    expect(verdicts(late)).toEqual([
      ["c1", "first place!"],
      ["c2", "response time: 0.36 seconds slower!"],
    ]);
  });

  test("reset forgets plain-text players who are away", () => {
    const { room, s } = roomWith([]);
    apply(room, joinCmd(room, "p1", { plain: true }), 0, s);
    const id = [...room.players.keys()][0] as string;
    apply(room, buzzes({ ...buzz("p1", id, 100) }), 100, s);
    apply(room, { type: "leave", conn: "p1", room: "QUIZ", player: id }, 200, s);
    expect(room.players.has(id)).toBe(true);
    apply(room, { type: "host", conn: "h", room: "QUIZ", action: { type: "reset" } }, 300, s);
    expect(room.players.has(id)).toBe(false);
  });

  test("kick removes the player, journals it and closes its connection with 4001", () => {
    const { room, s, ids } = roomWith([null, null]);
    const a = ids[0] as string;
    const effects = apply(
      room,
      { type: "host", conn: "h", room: "QUIZ", action: { type: "kick", player: a } },
      50,
      s,
    );
    expect(ofType(effects, "persist")).toEqual([
      { type: "persist", entries: [{ e: "kick", room: "QUIZ", id: a }] },
    ]);
    expect(ofType(effects, "close")).toEqual([
      { type: "close", conn: "c1", code: 4001, reason: "removed by the host" },
    ]);
    expect(deltas(effects)).toEqual([
      { type: "delta", room: "QUIZ", version: 2, playerCount: 1, scoreCount: 1 },
    ]);
    expect(staffStates(effects)[0]?.players.map((p) => p.id)).toEqual([ids[1] as string]);
    expect(room.players.has(a)).toBe(false);
    expect(room.names.has("P1")).toBe(false);
  });

  test("kick of an unknown player answers NO_SUCH_PLAYER", () => {
    const { room, s } = roomWith([null]);
    const effects = apply(
      room,
      { type: "host", conn: "h", room: "QUIZ", action: { type: "kick", player: "nobody" } },
      50,
      s,
    );
    expect(errors(effects)).toEqual([
      { conn: "h", code: "NO_SUCH_PLAYER", message: "no player nobody in room QUIZ" },
    ]);
    expect(room.players.size).toBe(1);
  });

  test("kick places a press the kicked player's window was holding", () => {
    const { room, s, ids } = roomWith([FAST, SLOW]);
    apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
    const effects = apply(
      room,
      { type: "host", conn: "h", room: "QUIZ", action: { type: "kick", player: ids[1] as string } },
      1010,
      s,
    );
    expect(verdicts(effects)).toEqual([["c1", "first place!"]]);
  });

  test("log sends the fairness records to the host", () => {
    const { room, s, ids } = roomWith([null]);
    apply(room, buzzes(buzz("c1", ids[0] as string, 100)), 100, s);
    const effects = apply(
      room,
      { type: "host", conn: "h", room: "QUIZ", action: { type: "log", format: "csv" } },
      200,
      s,
    );
    const [msg] = sentTo(effects, "h");
    expect(msg?.type).toBe("log");
    expect(msg?.type === "log" && msg.data.split("\n")[1]).toStartWith(`QUIZ,1,${ids[0]},P1,100,`);
  });

  test("a mark, undo or forgive naming a round the room has left is refused with ROUND_OVER and changes nothing", () => {
    const { room, s, ids } = roomWith([null, null, null], "open");
    const [a, b, c] = ids as [string, string, string];
    apply(room, buzzes(buzz("c1", a, 100), buzz("c2", b, 150)), 150, s);
    apply(room, tick, 1000, s);
    apply(room, hostCmd({ type: "judge", player: b, right: true, round: 1 }), 1100, s);
    // The next question, with a countdown: P1 wins nothing yet, and P3 presses too early.
    apply(room, hostCmd({ type: "next", round: 1, countdown: 3000 }), 1200, s);
    apply(room, buzzes(buzz("c3", c, 1300)), 1300, s);
    apply(room, tick, 4200, s);
    apply(room, buzzes(buzz("c1", a, 4300)), 4300, s);
    apply(room, tick, 5000, s);
    expect(room.round).toMatchObject({ number: 2, placed: [{ player: a }], lockedOut: [c] });
    // Clicks on round 1's order, from a console that had not shown round 2 yet.
    const refused = (message: string) => [{ conn: "h", code: "ROUND_OVER" as const, message }];
    const stale = [
      [{ type: "unjudge", player: b, round: 1 }, "P2's mark was not taken back"],
      [{ type: "judge", player: a, right: false, round: 1 }, "P1's answer was not marked"],
      [{ type: "forgive", player: c, round: 1 }, "P3's false start was not forgiven"],
    ] as const;
    for (const [action, said] of stale) {
      const effects = apply(room, hostCmd(action), 5100, s);
      expect(errors(effects)).toEqual(refused(`the room is in round 2, not round 1: ${said}`));
      expect(effects.filter((e) => e.type !== "wake" && e.type !== "error")).toEqual([]);
    }
    expect([a, b, c].map((id) => room.players.get(id)?.points)).toEqual([0, 1, 0]);
    expect(room.judged.size).toBe(0);
    expect(room.round.lockedOut).toEqual([c]);
    // Named from the round the room is in, or from a client that names none, they are done.
    expect(
      errors(apply(room, hostCmd({ type: "judge", player: a, right: true, round: 2 }), 5200, s)),
    ).toEqual([]);
    expect(errors(apply(room, hostCmd({ type: "unjudge", player: a }), 5300, s))).toEqual([]);
    expect(errors(apply(room, hostCmd({ type: "forgive", player: c, round: 2 }), 5400, s))).toEqual([]);
    expect(room.round.lockedOut).toEqual([]);
  });

  test("an open, a countdown or a lock naming a round the room has left changes nothing: a late copy leaves the next question alone", () => {
    const { room, s, ids } = roomWith([null], "open");
    apply(room, hostCmd({ type: "next", round: 1 }), 500, s);
    apply(room, buzzes(buzz("c1", ids[0] as string, 600)), 600, s);
    apply(room, tick, 600 + PUBLISH_DELAY, s);
    expect(room.round).toMatchObject({ number: 2, phase: "open", placed: [{ player: ids[0] }] });
    const changes = (effects: ReturnType<typeof apply>) => effects.filter((e) => e.type !== "wake");
    // Round 1's lock, sent again after its owner died: round 2 stays open.
    expect(changes(apply(room, hostCmd({ type: "lock", round: 1 }), 700, s))).toEqual([]);
    expect(room.round).toMatchObject({ number: 2, phase: "open", placed: [{ player: ids[0] }] });
    apply(room, hostCmd({ type: "reset", round: 2 }), 800, s);
    expect(room.round).toMatchObject({ number: 3, phase: "locked" });
    // Round 2's open and countdown: round 3 stays locked.
    expect(changes(apply(room, hostCmd({ type: "arm", round: 2 }), 900, s))).toEqual([]);
    expect(changes(apply(room, hostCmd({ type: "arm", countdown: 3000, round: 2 }), 900, s))).toEqual([]);
    expect(room.round).toMatchObject({ number: 3, phase: "locked", releaseAt: null });
  });

  test("an open, a countdown or a lock naming the round the room is in, or none (an older client), is done", () => {
    const { room, s } = roomWith([null], "locked");
    apply(room, hostCmd({ type: "arm", countdown: 3000, round: 1 }), 100, s);
    expect(room.round).toMatchObject({ number: 1, phase: "armed", releaseAt: 3100 });
    apply(room, hostCmd({ type: "lock", round: 1 }), 200, s);
    expect(room.round).toMatchObject({ number: 1, phase: "locked" });
    apply(room, hostCmd({ type: "arm", round: 1 }), 300, s);
    expect(room.round).toMatchObject({ number: 1, phase: "open", releaseAt: 300 });
    apply(room, hostCmd({ type: "lock" }), 400, s);
    expect(room.round).toMatchObject({ number: 1, phase: "locked" });
    apply(room, hostCmd({ type: "arm" }), 500, s);
    expect(room.round).toMatchObject({ number: 1, phase: "open", releaseAt: 500 });
  });

  test("a host action a gateway numbered ends with handled, after its journal entries; a stale one too; an unnumbered one without", () => {
    const { room, s } = roomWith([FAST], "locked");
    const numbered = (action: Parameters<typeof hostCmd>[0], seq: number) =>
      ({ type: "host", conn: "h", room: "QUIZ", action, seq }) as const;
    const reset = apply(room, numbered({ type: "reset", round: 1 }, 1), 1000, s);
    expect(reset.map((e) => e.type).filter((t) => t === "persist" || t === "handled")).toEqual([
      "persist",
      "handled",
    ]);
    expect(ofType(reset, "handled")).toEqual([{ type: "handled", conn: "h", seq: 1 }]);
    // The same reset sent again changes nothing, and says so.
    expect(apply(room, numbered({ type: "reset", round: 1 }, 2), 1100, s)).toEqual([
      { type: "handled", conn: "h", seq: 2 },
      { type: "wake", at: null },
    ]);
    expect(room.round.number).toBe(2);
    // So does a late open sent again: round 2 stays locked.
    expect(apply(room, numbered({ type: "arm", round: 1 }, 3), 1150, s)).toEqual([
      { type: "handled", conn: "h", seq: 3 },
      { type: "wake", at: null },
    ]);
    expect(room.round).toMatchObject({ number: 2, phase: "locked" });
    expect(ofType(apply(room, hostCmd({ type: "lock" }), 1200, s), "handled")).toEqual([]);
  });
});
