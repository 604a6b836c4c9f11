import { describe, expect, test } from "bun:test";
import { apply } from "../../../buzzer/room/engine.ts";
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

const BANNED = { code: "BANNED", message: "you were removed from room QUIZ by the host" } as const;

/** The log lines a step produced. */
const lines = (effects: ReturnType<typeof apply>) => ofType(effects, "log").map((e) => e.line);

describe("moderation", () => {
  describe("kick with ban", () => {
    test("removes the player, journals the ban before the kick and closes with 4001, saying banned", () => {
      const { room, s, ids } = roomWith([null, null], "open", settings({ logging: true }));
      const a = ids[0] as string;
      const effects = apply(room, hostCmd({ type: "kick", player: a, ban: true }), 50, s);
      expect(ofType(effects, "persist")).toEqual([
        { type: "persist", entries: [{ e: "ban", room: "QUIZ", name: "P1", token: nthId(2) }] },
        { type: "persist", entries: [{ e: "kick", room: "QUIZ", id: a }] },
      ]);
      expect(ofType(effects, "close")).toEqual([
        { type: "close", conn: "c1", code: 4001, reason: "removed and banned by the host" },
      ]);
      expect(lines(effects)).toEqual(["[QUIZ] P1 was kicked and banned"]);
      expect(deltas(effects)).toEqual([
        { type: "delta", room: "QUIZ", version: 2, playerCount: 1, scoreCount: 1 },
      ]);
      expect(room.players.has(a)).toBe(false);
    });

    test("sends players a kicked player's place again, as (left), with the places after it", () => {
      for (const ban of [false, true]) {
        const { room, s, ids } = roomWith([null, null, null]);
        const [a, b, c] = ids as [string, string, string];
        apply(room, buzzes(buzz("c1", a, 100), buzz("c2", b, 150), buzz("c3", c, 180)), 200, s);
        apply(room, tick, 1000, s);
        expect(room.told.places).toBe(3);
        const effects = apply(room, hostCmd({ type: "kick", player: b, ban }), 1100, s);
        expect(deltas(effects).flatMap((d) => d.order ?? [])).toEqual([
          { id: b, name: "(left)", place: 2, gap: 0.05, photo: false },
          { id: c, name: "P3", place: 3, gap: 0.08, photo: false },
        ]);
      }
    });

    test("a kicked player with no place sends players no places again", () => {
      const { room, s, ids } = roomWith([null, null]);
      apply(room, buzzes(buzz("c1", ids[0] as string, 100)), 200, s);
      apply(room, tick, 1000, s);
      const effects = apply(room, hostCmd({ type: "kick", player: ids[1] as string }), 1100, s);
      expect(deltas(effects).flatMap((d) => d.order ?? [])).toEqual([]);
    });

    test("refuses a later join with the banned token, with BANNED in words", () => {
      const { room, s, ids } = roomWith([null, null]);
      apply(room, hostCmd({ type: "kick", player: ids[0] as string, ban: true }), 50, s);
      const effects = apply(room, joinCmd(room, "c9", { name: "Someone else", token: nthId(2) }), 60, s);
      expect(errors(effects)).toEqual([{ conn: "c9", ...BANNED }]);
      expect(ofType(effects, "bind")).toEqual([]);
      expect(ofType(effects, "persist")).toEqual([]);
      expect(room.players.size).toBe(1);
    });

    test("refuses a later join with the banned name, however it is spelled", () => {
      const { room, s, ids } = roomWith([null, null]);
      apply(room, hostCmd({ type: "kick", player: ids[0] as string, ban: true }), 50, s);
      for (const name of ["P1", "p1", " Ｐ１ "]) {
        const effects = apply(room, joinCmd(room, "c9", { name }), 60, s);
        expect(errors(effects)).toEqual([{ conn: "c9", ...BANNED }]);
      }
      expect(room.players.size).toBe(1);
    });

    test("lets a player back by its own token even if its page remembers a name banned since", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      // P1 is renamed, P2 takes the name P1 and is banned: P1's page still joins as "P1".
      apply(room, hostCmd({ type: "rename", player: a, name: "Carol" }), 10, s);
      apply(room, hostCmd({ type: "rename", player: b, name: "P1" }), 20, s);
      apply(room, hostCmd({ type: "kick", player: b, ban: true }), 30, s);
      apply(room, leaveCmd("c1", a), 40, s);
      const effects = apply(room, joinCmd(room, "c3", { name: "P1", token: nthId(2) }), 50, s);
      expect(errors(effects)).toEqual([]);
      expect(sentTo(effects, "c3")[0]).toMatchObject({ type: "welcome", id: a, name: "Carol" });
    });

    test("without ban, the same name and token may join again", () => {
      const { room, s, ids } = roomWith([null, null]);
      const effects = apply(room, hostCmd({ type: "kick", player: ids[0] as string }), 50, s);
      expect(ofType(effects, "close")[0]?.reason).toBe("removed by the host");
      const back = apply(room, joinCmd(room, "c9", { name: "P1", token: nthId(2) }), 60, s);
      expect(errors(back)).toEqual([]);
      expect(ofType(back, "bind")[0]?.added).toBe(true);
    });

    test("hosts and viewers still enter a room that banned someone", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, hostCmd({ type: "kick", player: ids[0] as string, ban: true }), 50, s);
      const watch = apply(room, joinCmd(room, "v1", { watch: true, name: "P1" }), 60, s);
      expect(ofType(watch, "bind")).toMatchObject([{ conn: "v1", player: null, host: false }]);
    });
  });

  describe("rename", () => {
    test("renames, journals it, publishes it and welcomes the player again under the new name", () => {
      const { room, s, ids } = roomWith([null, null], "open", settings({ logging: true }));
      const a = ids[0] as string;
      const effects = apply(room, hostCmd({ type: "rename", player: a, name: "  Ann  " }), 50, s);
      expect(ofType(effects, "persist")).toEqual([
        { type: "persist", entries: [{ e: "rename", room: "QUIZ", id: a, name: "Ann" }] },
      ]);
      expect(sentTo(effects, "c1")).toEqual([
        { type: "welcome", id: a, name: "Ann", room: "QUIZ", token: nthId(2), host: false },
      ]);
      expect(lines(effects)).toEqual(["[QUIZ] P1 is now Ann"]);
      expect(staffStates(effects)[0]?.players.map((p) => p.name)).toEqual(["Ann", "P2"]);
      expect(room.names.has("p1")).toBe(false);
      expect(room.names.has("ann")).toBe(true);
    });

    test("sends players the places again under the new name (a place sent twice replaces the first)", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      apply(room, buzzes(buzz("c1", a, 100), buzz("c2", b, 150)), 200, s);
      apply(room, tick, 1000, s);
      const effects = apply(room, hostCmd({ type: "rename", player: b, name: "Bea" }), 1100, s);
      expect(
        deltas(effects)
          .flatMap((d) => d.order ?? [])
          .map((p) => p.name),
      ).toEqual(["P1", "Bea"]);
    });

    test("refuses another player's name with NAME_TAKEN, however it is spelled, and changes nothing", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      // An offline player's name is taken too: it may come back under it.
      apply(room, leaveCmd("c1", a), 40, s);
      for (const name of ["P1", "p1", " Ｐ１ "]) {
        const effects = apply(room, hostCmd({ type: "rename", player: b, name }), 50, s);
        expect(errors(effects)).toEqual([
          { conn: "h", code: "NAME_TAKEN", message: `"${name.trim()}" is taken by another player` },
        ]);
        expect(ofType(effects, "persist")).toEqual([]);
        expect(ofType(effects, "publish")).toEqual([]);
        expect(sentTo(effects, "c2")).toEqual([]);
      }
      expect(room.players.get(b)?.name).toBe("P2");
      expect(room.players.get(a)?.name).toBe("P1");
    });

    test("refuses the name a departed player's line keeps with NAME_TAKEN: two lines would read alike", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      apply(room, hostCmd({ type: "award", player: a, points: 2 }), 10, s);
      apply(room, leaveCmd("c1", a), 20, s);
      apply(room, { type: "sweep" }, 20 + GRACE, s);
      expect(room.departed.get(a)?.name).toBe("P1");
      const effects = apply(room, hostCmd({ type: "rename", player: b, name: "p1" }), 50, s);
      expect(errors(effects)).toEqual([
        { conn: "h", code: "NAME_TAKEN", message: `"p1" is taken by another player` },
      ]);
      expect(room.players.get(b)?.name).toBe("P2");
    });

    test("a name freed by a rename may be taken by the next rename, as it is", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      apply(room, hostCmd({ type: "rename", player: a, name: "Ann" }), 50, s);
      const effects = apply(room, hostCmd({ type: "rename", player: b, name: "P1" }), 60, s);
      expect(errors(effects)).toEqual([]);
      expect(ofType(effects, "persist")[0]?.entries).toEqual([
        { e: "rename", room: "QUIZ", id: b, name: "P1" },
      ]);
      // The old name is free again: a new player takes it as it is.
      const join = apply(room, joinCmd(room, "c3", { name: "P2" }), 70, s);
      expect(sentTo(join, "c3")[0]).toMatchObject({ type: "welcome", name: "P2" });
    });

    test("changes only the case of a player's own name without a number", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, hostCmd({ type: "rename", player: ids[0] as string, name: "p1" }), 50, s);
      expect(room.players.get(ids[0] as string)?.name).toBe("p1");
    });

    test("refuses a bad name with BAD_NAME, and changes nothing", () => {
      const { room, s, ids } = roomWith([null]);
      const empty = apply(
        room,
        hostCmd({ type: "rename", player: ids[0] as string, name: "\u200b " }),
        50,
        s,
      );
      expect(errors(empty)).toEqual([{ conn: "h", code: "BAD_NAME", message: "name must not be empty" }]);
      const long = apply(
        room,
        hostCmd({ type: "rename", player: ids[0] as string, name: "x".repeat(33) }),
        50,
        s,
      );
      expect(errors(long)).toEqual([
        { conn: "h", code: "BAD_NAME", message: "name must be at most 32 characters" },
      ]);
      expect(ofType([...empty, ...long], "persist")).toEqual([]);
      expect(room.players.get(ids[0] as string)?.name).toBe("P1");
    });

    test("refuses an unknown player with NO_SUCH_PLAYER", () => {
      const { room, s } = roomWith([null]);
      const effects = apply(room, hostCmd({ type: "rename", player: "nobody", name: "Ann" }), 50, s);
      expect(errors(effects)).toEqual([
        { conn: "h", code: "NO_SUCH_PLAYER", message: "no player nobody in room QUIZ" },
      ]);
    });

    test("renames a player who is away without sending anything to it", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, leaveCmd("c1", ids[0] as string), 10, s);
      const effects = apply(room, hostCmd({ type: "rename", player: ids[0] as string, name: "Ann" }), 50, s);
      expect(ofType(effects, "send")).toEqual([]);
      // Its page resumes with its token and the name it remembers: the host's name stays.
      const back = apply(room, joinCmd(room, "c5", { name: "P1", token: nthId(2) }), 60, s);
      expect(sentTo(back, "c5")[0]).toMatchObject({ type: "welcome", id: ids[0], name: "Ann" });
    });
  });

  describe("prune", () => {
    test("removes every player not connected, journals each and logs one line", () => {
      const { room, s, ids } = roomWith([null, null, null], "open", settings({ logging: true }));
      const [a, b, c] = ids as [string, string, string];
      apply(room, leaveCmd("c1", a), 10, s);
      apply(room, leaveCmd("c3", c), 10, s);
      const effects = apply(room, hostCmd({ type: "prune" }), 50, s);
      expect(ofType(effects, "persist")).toEqual([
        { type: "persist", entries: [{ e: "left", room: "QUIZ", id: a }] },
        { type: "persist", entries: [{ e: "left", room: "QUIZ", id: c }] },
      ]);
      expect(lines(effects)).toEqual(["[QUIZ] Removed 2 offline players"]);
      expect(ofType(effects, "close")).toEqual([]);
      expect([...room.players.keys()]).toEqual([b]);
      expect(deltas(effects)).toEqual([
        { type: "delta", room: "QUIZ", version: 2, playerCount: 1, scoreCount: 1 },
      ]);
      expect(staffStates(effects)[0]?.players.map((p) => p.id)).toEqual([b]);
    });

    test("keeps a pruned player's points on the leaderboard", () => {
      const { room, s, ids } = roomWith([null, null], "open", settings());
      const [a] = ids as [string, string];
      apply(room, hostCmd({ type: "award", player: a, points: 3 }), 5, s);
      apply(room, leaveCmd("c1", a), 10, s);
      const effects = apply(room, hostCmd({ type: "prune" }), 50, s);
      expect(room.players.has(a)).toBe(false);
      expect(staffStates(effects)[0]?.scores).toContainEqual({ id: a, name: "P1", points: 3, rank: 1 });
    });

    test("keeps a player who is away but placed in this round, until a prune after the round", () => {
      const { room, s, ids } = roomWith([null, null], "open", settings({ logging: true }));
      const [a, b] = ids as [string, string];
      apply(room, buzzes(buzz("c1", a, 100)), 100, s);
      apply(room, { type: "tick" }, 2000, s);
      apply(room, leaveCmd("c1", a), 2010, s);
      apply(room, leaveCmd("c2", b), 2010, s);
      const during = apply(room, hostCmd({ type: "prune" }), 2050, s);
      expect(lines(during)).toEqual([
        "[QUIZ] Removed 1 offline player; 1 with a buzz this round stays (prune again after it)",
      ]);
      expect([...room.players.keys()]).toEqual([a]);
      apply(room, hostCmd({ type: "reset" }), 3000, s);
      const after = apply(room, hostCmd({ type: "prune" }), 3050, s);
      expect(lines(after)).toEqual(["[QUIZ] Removed 1 offline player"]);
      expect(room.players.size).toBe(0);
    });

    test("removes nobody when everyone is connected", () => {
      const { room, s } = roomWith([null, null], "open", settings({ logging: true }));
      const effects = apply(room, hostCmd({ type: "prune" }), 50, s);
      expect(lines(effects)).toEqual(["[QUIZ] Removed 0 offline players"]);
      expect(ofType(effects, "persist")).toEqual([]);
      expect(room.players.size).toBe(2);
    });
  });
});
