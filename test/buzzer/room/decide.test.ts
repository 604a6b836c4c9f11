import { describe, expect, test } from "bun:test";
import type { Link } from "../../../buzzer/fair.ts";
import { unmeasuredWait } from "../../../buzzer/room/decide.ts";
import { PLACES_LOGGED } from "../../../buzzer/room/effects.ts";
import { apply } from "../../../buzzer/room/engine.ts";
import { PLAYERS_LOGGED } from "../../../lib/log.ts";
import {
  buzz,
  buzzes,
  FAST,
  hostCmd,
  joinCmd,
  leaveCmd,
  nthId,
  ofType,
  roomWith,
  SLOW,
  settings,
  tick,
  verdicts,
  wakeAt,
} from "./engine_support.ts";

describe("decide", () => {
  test("logs every place of a small room, one line each", () => {
    const { room, ids } = roomWith(Array.from({ length: PLAYERS_LOGGED }, () => null));
    const s = settings({ logging: true });
    const effects = [
      ...apply(room, buzzes(...ids.map((id, i) => buzz(`c${i + 1}`, id, 100 + i * 10))), 500, s),
      ...apply(room, tick, 5000, s),
    ];
    const lines = ofType(effects, "log").map((e) => e.line);
    expect(lines.length).toBe(PLAYERS_LOGGED);
    expect(lines.at(-1)).toMatch(new RegExp(`^\\[QUIZ\\] ${PLAYERS_LOGGED}\\. P${PLAYERS_LOGGED} \\+`));
  });

  test("logs the first PLACES_LOGGED places of a big room one line each, then one line for the rest", () => {
    const { room, ids } = roomWith(Array.from({ length: PLAYERS_LOGGED + 1 }, () => null));
    const s = settings({ logging: true });
    const effects = [
      ...apply(room, buzzes(...ids.map((id, i) => buzz(`c${i + 1}`, id, 100 + i * 10))), 500, s),
      ...apply(room, tick, 5000, s),
    ];
    const lines = ofType(effects, "log").map((e) => e.line);
    expect(lines.length).toBe(PLACES_LOGGED + 1);
    expect(lines.slice(0, 2)).toEqual(["[QUIZ] 1. P1", "[QUIZ] 2. P2 +0.01s"]);
    expect(lines.at(-1)).toBe(
      `[QUIZ] … places after ${PLACES_LOGGED} are not printed: the host console and --fairness-log have them`,
    );
  });

  describe("decision window", () => {
    test("does not place a press while a connected player with a long link could still have pressed earlier", () => {
      const { room, s, ids } = roomWith([FAST, SLOW]);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([]);
      expect(room.round.pending.map((p) => p.player)).toEqual([ids[0] as string]);
      // SLOW's uplink allowance: its 90th-percentile round trip plus the 2 ms margin.
      expect(wakeAt(effects)).toBe(995 + 102);
    });

    test("places the press once now passes press + the allowance, and not a millisecond before", () => {
      const { room, s, ids } = roomWith([FAST, SLOW]);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      const early = apply(room, tick, 1096, s);
      expect(verdicts(early)).toEqual([]);
      expect(wakeAt(early)).toBe(1097);
      const due = apply(room, tick, 1097, s);
      expect(verdicts(due)).toEqual([["c1", "first place!"]]);
      expect(room.round.pending).toEqual([]);
    });

    test("places the earlier press of a player who buzzed later but within the window", () => {
      const { room, s, ids } = roomWith([FAST, SLOW]);
      const [a, b] = ids as [string, string];
      apply(room, buzzes(buzz("c1", a, 995, 1000)), 1000, s);
      // b pressed at 960 but its buzz took 90 ms: it arrives at 1050, inside a's window.
      const effects = apply(room, buzzes(buzz("c2", b, 960, 1050)), 1050, s);
      expect(verdicts(effects)).toEqual([
        ["c2", "first place!"],
        ["c1", "response time: 0.04 seconds slower!"],
      ]);
    });

    test("caps the window at maxWait", () => {
      const { room, s, ids } = roomWith([FAST, SLOW], "open", settings({ maxWait: 50 }));
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      expect(wakeAt(effects)).toBe(1045);
      expect(verdicts(apply(room, tick, 1044, s))).toEqual([]);
      expect(verdicts(apply(room, tick, 1045, s))).toEqual([["c1", "first place!"]]);
    });

    test("does not wait for a player who is away", () => {
      const { room, s, ids } = roomWith([FAST, SLOW]);
      apply(room, { type: "leave", conn: "c2", room: "QUIZ", player: ids[1] as string }, 10, s);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([["c1", "first place!"]]);
    });

    test("closes the window on the next tick when the slow player leaves", () => {
      const { room, s, ids } = roomWith([FAST, SLOW]);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      const left = apply(
        room,
        { type: "leave", conn: "c2", room: "QUIZ", player: ids[1] as string },
        1010,
        s,
      );
      expect(wakeAt(left)).toBe(1010);
      expect(verdicts(apply(room, tick, 1010, s))).toEqual([["c1", "first place!"]]);
    });

    test("waits for a link reported after the join", () => {
      const { room, s, ids } = roomWith([FAST, null]);
      apply(room, { type: "link", conn: "c2", room: "QUIZ", player: ids[1] as string, link: SLOW }, 10, s);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([]);
      expect(wakeAt(effects)).toBe(1097);
    });

    // After a resume the old connection may still answer a ping: its round trip is not the player's.
    test("takes no link measured on a connection the player has left", () => {
      const { room, s, ids } = roomWith([FAST, SLOW]);
      const b = ids[1] as string;
      apply(room, { type: "link", conn: "c-old", room: "QUIZ", player: b, link: FAST }, 10, s);
      expect(room.players.get(b)?.link).toEqual(SLOW);
      apply(room, { type: "link", conn: "c2", room: "QUIZ", player: b, link: FAST }, 20, s);
      expect(room.players.get(b)?.link).toEqual(FAST);
    });

    test("waits for prospects: connections that have not joined yet", () => {
      const { room, s, ids } = roomWith([null]);
      const far: Link = { rtt: 150, high: 200, jitter: 10 };
      apply(room, { type: "prospects", room: "QUIZ", gateway: "g1", link: far, unmeasured: false }, 10, s);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([]);
      expect(wakeAt(effects)).toBe(1202);
      expect(verdicts(apply(room, tick, 1201, s))).toEqual([]);
      expect(verdicts(apply(room, tick, 1202, s))).toEqual([["c1", "first place!"]]);
    });

    // A held plain buzz got its measure: the window had waited as for a connection that cannot be
    // measured (377 ms by default), and looks again at once rather than at that deadline.
    test("looks again at once when a gateway's connections can all be measured again", () => {
      const { room, s, ids } = roomWith([FAST, FAST]);
      const unmeasured = (on: boolean) =>
        ({ type: "prospects", room: "QUIZ", gateway: "g1", link: null, unmeasured: on }) as const;
      apply(room, unmeasured(true), 990, s);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 1000)), 1000, s);
      expect(wakeAt(effects)).toBe(1000 + unmeasuredWait(s));
      expect(wakeAt(apply(room, unmeasured(false), 1010, s))).toBe(1010);
      // b (FAST, 12 ms round trips) could still come until 1014.
      expect(verdicts(apply(room, tick, 1010, s))).toEqual([]);
      expect(verdicts(apply(room, tick, 1014, s))).toEqual([["c1", "first place!"]]);
    });

    test("waits no longer than maxCompensation for any link", () => {
      const far: Link = { rtt: 250, high: 300, jitter: 10 };
      const { room, s, ids } = roomWith([null, far], "open", settings({ maxCompensation: 150 }));
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 1000)), 1000, s);
      // 300 + 2 ms would be far's allowance; it is capped at 150.
      expect(wakeAt(effects)).toBe(1150);
      expect(verdicts(apply(room, tick, 1149, s))).toEqual([]);
      expect(verdicts(apply(room, tick, 1150, s))).toEqual([["c1", "first place!"]]);
    });

    test("asks for no wake-up on a link or prospects report: the next tick sees the new window", () => {
      const { room, s, ids } = roomWith([FAST, null]);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      expect(
        apply(
          room,
          { type: "link", conn: "c2", room: "QUIZ", player: ids[1] as string, link: SLOW },
          1002,
          s,
        ),
      ).toEqual([]);
      expect(
        apply(
          room,
          { type: "prospects", room: "QUIZ", gateway: "g1", link: SLOW, unmeasured: false },
          1003,
          s,
        ),
      ).toEqual([]);
      expect(room.activeAt).toBe(1000);
    });

    test("stops waiting for a gateway whose prospects are gone", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, { type: "prospects", room: "QUIZ", gateway: "g1", link: SLOW, unmeasured: false }, 10, s);
      apply(room, { type: "prospects", room: "QUIZ", gateway: "g1", link: null, unmeasured: false }, 20, s);
      expect(room.prospects.size).toBe(0);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([["c1", "first place!"]]);
    });
  });

  describe("reach cache", () => {
    /** A room of `fast` FAST players then `slow` SLOW ones (past FULL_SCAN at 101). */
    const crowd = (fast: number, slow = 0) =>
      roomWith([...Array<Link>(fast).fill(FAST), ...Array<Link>(slow).fill(SLOW)]);

    test("a room over 100 players reuses its measured reach for 20 ms, then measures afresh", () => {
      const { room, s, ids } = crowd(100, 1);
      const [a, b] = ids as [string, string];
      const slow = ids[100] as string;
      apply(room, buzzes(buzz("c1", a, 995, 1000)), 1000, s);
      expect(room.reach).toEqual({ ms: 102, at: 1000, everyone: false });
      // The slow player leaves: a full scan would place the press on this tick (see the next test).
      apply(room, leaveCmd("c101", slow), 1005, s);
      const cached = apply(room, tick, 1005, s);
      expect(verdicts(cached)).toEqual([]);
      expect(room.reach).toEqual({ ms: 102, at: 1000, everyone: false });
      expect(room.settleAt).toBe(1097);
      // 20 ms after the measure, the next look measures again: only FAST links are open (12 + 2 ms).
      apply(room, leaveCmd("c2", b), 1020, s);
      expect(verdicts(apply(room, tick, 1020, s))).toEqual([["c1", "first place!"]]);
      expect(room.reach).toEqual({ ms: 14, at: 1020, everyone: false });
    });

    test("a room over 100 players measures afresh once every player is in the round, and places them all", () => {
      const { room, s, ids } = crowd(100, 1);
      const fast = ids.slice(0, 100).map((id, i) => buzz(`c${i + 1}`, id, 995, 1000));
      expect(verdicts(apply(room, buzzes(...fast), 1000, s))).toEqual([]);
      expect(room.reach).toEqual({ ms: 102, at: 1000, everyone: false });
      // The slow player pressed first; its buzz is the last in, within the cached 20 ms.
      const last = apply(room, buzzes(buzz("c101", ids[100] as string, 990, 1005)), 1005, s);
      expect(room.reach).toEqual({ ms: 0, at: 1005, everyone: true });
      const told = verdicts(last);
      expect(told).toHaveLength(101);
      expect(told[0]).toEqual(["c101", "first place!"]);
      expect(told[1]).toEqual(["c1", "response time: 0.01 seconds slower!"]);
      expect(room.round.pending).toEqual([]);
    });

    // In a cluster a buzz may still be on the bus, so the reach never falls to 0: each settle after
    // the last buzz measured it again, looking at every player.
    test("a room whose reach stays above 0 measures it once, not at every settle, once all are in", () => {
      const { room, s, ids } = roomWith(Array<Link>(101).fill(FAST), "open", settings({ busDelay: 3 }));
      // Presses 0.1 ms apart: with no one left to wait for but the bus, each is placed 3 ms after it
      // was made, most of them on ticks of their own.
      apply(room, buzzes(...ids.map((id, i) => buzz(`c${i + 1}`, id, 995 + i / 10, 1000))), 1000, s);
      expect(room.reach.ms).toBe(3);
      let scans = 0;
      const values = room.players.values.bind(room.players);
      room.players.values = () => {
        scans++;
        return values();
      };
      // Before the view of the first places is due (20 ms after the first were placed, at 1000).
      for (let at = 1000.1; at < 1010; at += 0.1) apply(room, tick, at, s);
      expect(room.round.placed).toHaveLength(101);
      expect(scans).toBe(0);
    });

    // A kicked player's lockout or place stays in the round, so counting the round's presses may
    // find every player in it while one who could still precede a press has not buzzed.
    test("a kicked player's press does not close the window on a player still to buzz", () => {
      const { room, s, ids } = roomWith([FAST, FAST, SLOW], "locked");
      const [a, b, c] = ids as [string, string, string];
      apply(room, buzzes(buzz("c1", a, 500, 505)), 505, s);
      expect(room.round.lockedOut).toEqual([a]);
      apply(room, hostCmd({ type: "kick", player: a }), 600, s);
      apply(room, hostCmd({ type: "arm" }), 900, s);
      expect(verdicts(apply(room, buzzes(buzz("c2", b, 1000, 1005)), 1005, s))).toEqual([]);
      // C pressed first, on a slow link: its buzz comes within the window, which waits for it.
      const late = apply(room, buzzes(buzz("c3", c, 990, 1080)), 1080, s);
      expect(verdicts(late)).toEqual([
        ["c3", "first place!"],
        ["c2", "response time: 0.01 seconds slower!"],
      ]);
    });

    test("a forgiven player's link is in the window again", () => {
      const { room, s, ids } = roomWith([FAST, SLOW], "locked");
      const [a, b] = ids as [string, string];
      apply(room, buzzes(buzz("c2", b, 500, 510)), 510, s);
      apply(room, hostCmd({ type: "arm" }), 900, s);
      apply(room, hostCmd({ type: "forgive", player: b }), 950, s);
      expect(verdicts(apply(room, buzzes(buzz("c1", a, 995, 1000)), 1000, s))).toEqual([]);
      const late = apply(room, buzzes(buzz("c2", b, 980, 1070)), 1070, s);
      expect(verdicts(late)).toEqual([
        ["c2", "first place!"],
        ["c1", "response time: 0.02 seconds slower!"],
      ]);
    });

    test("a room of 100 players measures its reach for every look", () => {
      const { room, s, ids } = crowd(99, 1);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      apply(room, leaveCmd("c100", ids[99] as string), 1005, s);
      expect(verdicts(apply(room, tick, 1005, s))).toEqual([]);
      expect(room.reach).toEqual({ ms: 14, at: 1005, everyone: false });
      expect(room.settleAt).toBe(1009);
      expect(verdicts(apply(room, tick, 1009, s))).toEqual([["c1", "first place!"]]);
    });

    test("a longer link raises a big room's bound at once, without a new measure", () => {
      const { room, s, ids } = crowd(101);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      expect(room.reach).toEqual({ ms: 14, at: 1000, everyone: false });
      expect(room.settleAt).toBe(1009);
      apply(room, { type: "link", conn: "c2", room: "QUIZ", player: ids[1] as string, link: SLOW }, 1002, s);
      expect(room.reach).toEqual({ ms: 102, at: 1000, everyone: false });
      const held = apply(room, tick, 1009, s);
      expect(verdicts(held)).toEqual([]);
      expect(wakeAt(held)).toBe(1097);
      expect(verdicts(apply(room, tick, 1097, s))).toEqual([["c1", "first place!"]]);
    });

    test("a shorter link does not lower a big room's bound before the next measure", () => {
      const { room, s, ids } = crowd(100, 1);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      apply(
        room,
        { type: "link", conn: "c101", room: "QUIZ", player: ids[100] as string, link: FAST },
        1002,
        s,
      );
      expect(room.reach).toEqual({ ms: 102, at: 1000, everyone: false });
    });

    test("a new player's or a prospect's long link raises a big room's bound at once", () => {
      const { room, s, ids } = crowd(101);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      const far: Link = { rtt: 150, high: 200, jitter: 10 };
      apply(room, { type: "prospects", room: "QUIZ", gateway: "g1", link: SLOW, unmeasured: false }, 1001, s);
      expect(room.reach).toEqual({ ms: 102, at: 1000, everyone: false });
      apply(room, joinCmd(room, "c2000", { name: "Far", link: far }), 1002, s);
      expect(room.reach).toEqual({ ms: 202, at: 1000, everyone: false });
      expect(verdicts(apply(room, tick, 1009, s))).toEqual([]);
      expect(room.settleAt).toBe(995 + 202);
    });

    // In a cluster a measure adds the time a buzz may spend on the bus; a raise between measures must too.
    test("a raise of a big room's bound adds the bus delay, as a measure does", () => {
      const s = settings({ busDelay: 10 });
      const { room, ids } = roomWith(Array<Link>(101).fill(FAST), "open", s);
      apply(room, buzzes(buzz("c1", ids[0] as string, 990, 1000)), 1000, s);
      expect(room.reach).toEqual({ ms: 14 + 10, at: 1000, everyone: false });
      apply(room, joinCmd(room, "c2000", { name: "Slow", link: SLOW }), 1001, s);
      expect(room.reach.ms).toBe(102 + 10);
      apply(room, { type: "prospects", room: "QUIZ", gateway: "g2", link: null, unmeasured: true }, 1002, s);
      expect(room.reach.ms).toBe(unmeasuredWait(s) + 10);
    });

    // A resumed player rejoins the open set between measures: its link must raise the cached bound
    // at once, or a big room would place a press its slow link could still precede.
    test("a resumed player's long link raises a big room's bound at once", () => {
      const { room, s, ids } = crowd(100, 1);
      const slow = ids[100] as string;
      apply(room, leaveCmd("c101", slow), 500, s);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      expect(room.reach).toEqual({ ms: 14, at: 1000, everyone: false });
      // The slow player comes back with its token (the 202nd id) on a new connection.
      apply(room, joinCmd(room, "c9999", { token: nthId(202), link: SLOW, mayAdd: false }), 1002, s);
      expect(room.players.get(slow)?.conn).toBe("c9999");
      const held = apply(room, tick, 1009, s);
      expect(verdicts(held)).toEqual([]);
      expect(room.settleAt).toBe(995 + 102);
    });

    test("a new round measures its reach afresh", () => {
      const { room, s, ids } = crowd(100, 1);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      apply(room, hostCmd({ type: "reset" }), 1001, s);
      expect(room.reach).toEqual({ ms: 0, at: -Infinity, everyone: false });
    });
  });
});
