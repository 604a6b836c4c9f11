import { describe, expect, test } from "bun:test";
import { snapshot } from "../../../buzzer/journal.ts";
import { replay } from "../../../buzzer/journal_replay.ts";
import { DEFAULT_RULES, type RoomView, VIEW } from "../../../buzzer/protocol.ts";
import type { RoomEffect } from "../../../buzzer/room/commands.ts";
import { MAX_PUBLISH_DELAY, PUBLISH_DELAY, publishSoon } from "../../../buzzer/room/effects.ts";
import { apply } from "../../../buzzer/room/engine.ts";
import { newRoom, type Player, type Room } from "../../../buzzer/room/state.ts";
import { playerView } from "../../../buzzer/room/views.ts";
import { applyDelta } from "../../../buzzer/view.ts";
import {
  audiences,
  buzz,
  buzzes,
  deltas,
  FAST,
  hostCmd,
  joinCmd,
  leaveCmd,
  nthId,
  ofType,
  roomWith,
  SLOW,
  sentTo,
  settings,
  staffStates,
  tick,
  wakeAt,
} from "./engine_support.ts";

/** The place a player is shown at: its id, name, place, gap in seconds, no photo finish. */
const place = (id: string, name: string, n: number, gap = 0) => ({ id, name, place: n, gap, photo: false });

describe("views", () => {
  describe("publish", () => {
    test("coalesces changes within PUBLISH_DELAY into one delta and one snapshot", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      expect(wakeAt(apply(room, joinCmd(room, "c1"), 0, s))).toBe(PUBLISH_DELAY);
      const second = apply(room, joinCmd(room, "c2"), 10, s);
      expect(ofType(second, "publish")).toEqual([]);
      expect(wakeAt(second)).toBe(PUBLISH_DELAY);
      expect(room.publish?.at).toBe(PUBLISH_DELAY);
      expect(ofType(apply(room, tick, PUBLISH_DELAY - 1, s), "publish")).toEqual([]);
      const due = apply(room, tick, PUBLISH_DELAY, s);
      expect(audiences(due)).toEqual([
        ["players", "delta"],
        ["staff", "state"],
      ]);
      expect(deltas(due)).toEqual([
        { type: "delta", room: "QUIZ", version: 1, playerCount: 2, scoreCount: 2 },
      ]);
      expect(staffStates(due)[0]).toMatchObject({
        type: "state",
        room: "QUIZ",
        version: 1,
        playerCount: 2,
        scoreCount: 2,
      });
      expect(room.publish).toBeNull();
      expect(wakeAt(due)).toBeNull();
    });

    test("holds a view back while buzzes keep arriving, but no longer than MAX_PUBLISH_DELAY", () => {
      const { room, s, ids } = roomWith([null, null, null, null]);
      // Presses from unmeasured links are final at once: each batch places its press and wants a view.
      const first = apply(room, buzzes(buzz("c1", ids[0] as string, 1000)), 1000, s);
      expect(wakeAt(first)).toBe(1000 + PUBLISH_DELAY);
      // Another batch before it is due puts it off: the burst's verdicts go out first.
      const second = apply(room, buzzes(buzz("c2", ids[1] as string, 1015)), 1015, s);
      expect(ofType(second, "publish")).toEqual([]);
      expect(wakeAt(second)).toBe(1015 + PUBLISH_DELAY);
      expect(ofType(apply(room, tick, 1000 + PUBLISH_DELAY, s), "publish")).toEqual([]);
      // Buzzes that never stop put it off only up to MAX_PUBLISH_DELAY after it was first due.
      apply(room, buzzes(buzz("c3", ids[2] as string, 1240)), 1240, s);
      expect(room.publish?.at).toBe(1000 + MAX_PUBLISH_DELAY);
      const due = apply(room, tick, 1000 + MAX_PUBLISH_DELAY, s);
      expect(deltas(due)[0]?.order?.map((p) => p.id)).toEqual(ids.slice(0, 3));
    });

    test("waits longer in a big room, but never past MAX_PUBLISH_DELAY", () => {
      /** When a room of `size` players publishes a change made at 0 (the players are one, repeated). */
      const dueIn = (size: number) => {
        const { room } = roomWith([null]);
        const player = [...room.players.values()][0] as Player;
        for (let i = room.players.size; i < size; i++) room.players.set(`x${i}`, player);
        publishSoon(room, 0);
        return room.publish?.at;
      };
      // 20 ms, and 1 ms more per 50 players over 1,000.
      expect(dueIn(5000)).toBe(PUBLISH_DELAY + 80);
      expect(dueIn(20_000)).toBe(MAX_PUBLISH_DELAY);
    });

    test("wakes at the earliest of settle and publish", () => {
      const { room, s, ids } = roomWith([FAST, SLOW]);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      // A join now wants a publish at 1020, sooner than the settle at 1097.
      expect(wakeAt(apply(room, joinCmd(room, "c3"), 1000, s))).toBe(1000 + PUBLISH_DELAY);
      expect(wakeAt(apply(room, tick, 1020, s))).toBe(1097);
    });

    test("sends players only the phase that changed, and hosts and viewers the whole room", () => {
      const { room, s, ids } = roomWith([null, FAST], "locked");
      const [a, b] = ids as [string, string];
      const effects = apply(room, hostCmd({ type: "arm" }), 100, s);
      expect(deltas(effects)).toEqual([{ type: "delta", room: "QUIZ", version: 2, phase: "open" }]);
      expect(staffStates(effects)).toEqual([
        {
          type: "state",
          room: "QUIZ",
          version: 2,
          round: 1,
          phase: "open",
          players: [
            { id: a, name: "P1", connected: true, lockedOut: false, points: 0 },
            { id: b, name: "P2", connected: true, lockedOut: false, points: 0, rtt: 10, jitter: 1 },
          ],
          playerCount: 2,
          offlineCount: 0,
          scoreCount: 2,
          order: [],
          placeCount: 0,
          hosted: false,
          scores: [],
          teams: [],
          rules: DEFAULT_RULES,
        },
      ]);
      expect(room.version).toBe(2);
    });

    test("counts for hosts and viewers the places and offline players past the lists they are sent", () => {
      const n = VIEW.players + 5;
      const { room, s, ids } = roomWith(Array.from({ length: n }, () => null));
      apply(room, buzzes(...ids.map((id, i) => buzz(`c${i + 1}`, id, 100 + i))), 100, s);
      // The last three to join, past the list, leave: away within the resume grace, still players.
      for (let i = n - 3; i < n; i++) apply(room, leaveCmd(`c${i + 1}`, ids[i] as string), 900, s);
      const state = staffStates(apply(room, tick, 2000, s)).at(-1);
      expect(state?.players.length).toBe(VIEW.players);
      expect(state?.order.length).toBe(VIEW.order);
      expect(state).toMatchObject({ playerCount: n - 3, offlineCount: 3, placeCount: n });
    });

    test("adds only the new places to the order, one version at a time", () => {
      const { room, s, ids } = roomWith([null, null, null]);
      const [a, b, c] = ids as [string, string, string];
      apply(room, buzzes(buzz("c1", a, 100)), 100, s);
      expect(deltas(apply(room, tick, 120, s))).toEqual([
        { type: "delta", room: "QUIZ", version: 2, order: [place(a, "P1", 1)] },
      ]);
      apply(room, buzzes(buzz("c2", b, 200), buzz("c3", c, 250)), 250, s);
      expect(deltas(apply(room, tick, 270, s))).toEqual([
        { type: "delta", room: "QUIZ", version: 3, order: [place(b, "P2", 2, 0.1), place(c, "P3", 3, 0.15)] },
      ]);
    });

    test("replaces the order with a new round's: the delta names the round and no places", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, buzzes(buzz("c1", ids[0] as string, 100)), 100, s);
      apply(room, tick, 120, s);
      const effects = apply(room, hostCmd({ type: "reset" }), 200, s);
      expect(deltas(effects)).toEqual([
        { type: "delta", room: "QUIZ", version: 3, round: 2, phase: "locked" },
      ]);
      // The final order was out already: only hosts and viewers are sent round 1 again.
      expect(audiences(effects)).toEqual([
        ["staff", "state"],
        ["players", "delta"],
        ["staff", "state"],
      ]);
      expect(staffStates(effects)[1]).toMatchObject({ version: 3, round: 2, phase: "locked", order: [] });
    });

    test("publishes nothing to players when nothing changed for them", () => {
      const { room, s, ids } = roomWith([null, null], "locked");
      // Locking a locked round: hosts and viewers are sent the room, players nothing.
      const locked = apply(room, hostCmd({ type: "lock" }), 100, s);
      expect(audiences(locked)).toEqual([["staff", "state"]]);
      // A player's link changing is nothing players see.
      apply(room, { type: "link", conn: "c1", room: "QUIZ", player: ids[0] as string, link: FAST }, 200, s);
      const due = apply(room, hostCmd({ type: "lock" }), 300, s);
      expect(audiences(due)).toEqual([["staff", "state"]]);
      expect(staffStates(due)[0]?.players[0]).toMatchObject({ rtt: FAST.rtt });
      expect(room.version).toBe(1);
    });

    test("shows players the top VIEW.top places, hosts and viewers every place", () => {
      const { room, s, ids } = roomWith(Array(12).fill(null));
      const list = ids.map((id, i) => buzz(`c${i + 1}`, id, 100 + i * 10));
      apply(room, buzzes(...list), 300, s);
      const due = apply(room, tick, 300 + PUBLISH_DELAY, s);
      expect(deltas(due)[0]?.order?.map((p) => p.place)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(staffStates(due)[0]?.order.map((p) => p.place)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      // The eleventh and twelfth places are never news to players (they get their own verdicts).
      apply(room, joinCmd(room, "c13", { name: "Late" }), 400, s);
      expect(deltas(apply(room, tick, 400 + PUBLISH_DELAY, s))).toEqual([
        { type: "delta", room: "QUIZ", version: 3, playerCount: 13, scoreCount: 13 },
      ]);
    });
  });

  describe("sync", () => {
    test("answers a player with its own snapshot, lockout included", () => {
      const { room, s, ids } = roomWith([null, null], "locked");
      const [a] = ids as [string, string];
      apply(room, buzzes(buzz("c1", a, 100)), 100, s);
      const effects = apply(room, { type: "sync", conn: "c1", room: "QUIZ", player: a }, 200, s);
      expect(effects).toEqual([
        {
          type: "send",
          conn: "c1",
          msg: {
            type: "state",
            room: "QUIZ",
            version: 1,
            round: 1,
            phase: "locked",
            players: [],
            playerCount: 2,
            scoreCount: 2,
            order: [],
            lockedOut: true,
            falseStart: "early",
            press: "locked",
            hosted: false,
            scores: [],
            teams: [],
            you: { points: 0, rank: 1 },
          },
        },
        { type: "wake", at: 100 + PUBLISH_DELAY },
      ]);
    });

    test("says in a locked-out player's snapshot when its false start came, early or late, through a restart, until the next round", () => {
      const { room, s, ids } = roomWith([null, null, null], "locked");
      const [a, b, c] = ids as [string, string, string];
      apply(room, buzzes(buzz("c1", a, 100)), 100, s);
      apply(room, hostCmd({ type: "arm" }), 200, s);
      apply(room, buzzes(buzz("c2", b, 300)), 300, s);
      apply(room, hostCmd({ type: "lock" }), 1500, s);
      apply(room, buzzes(buzz("c3", c, 1600)), 1600, s);
      const said = (r: Room, id: string) => {
        const { lockedOut, falseStart } = playerView(r, 1700, id);
        return { lockedOut, falseStart };
      };
      expect([a, b, c].map((id) => said(room, id))).toEqual([
        { lockedOut: true, falseStart: "early" },
        { lockedOut: false, falseStart: undefined },
        { lockedOut: true, falseStart: "late" },
      ]);
      const restored = replay(snapshot([room], 0), 0).get("QUIZ") as Room;
      expect([a, c].map((id) => said(restored, id).falseStart)).toEqual(["early", "late"]);
      apply(room, hostCmd({ type: "reset" }), 1800, s);
      expect(said(room, c)).toEqual({ lockedOut: false, falseStart: undefined });
    });

    test("tells hosts and viewers a round is open from its start until it is locked, not one a host opened", () => {
      const { room, s } = roomWith([null]);
      const sync = (at: number) =>
        sentTo(apply(room, { type: "sync", conn: "v", room: "QUIZ", player: null }, at, s), "v")[0];
      expect(sync(10)).toMatchObject({ phase: "open", openFromStart: true });
      apply(room, hostCmd({ type: "lock" }), 20, s);
      expect(sync(30)).not.toHaveProperty("openFromStart");
      apply(room, hostCmd({ type: "arm" }), 40, s);
      const opened = sync(50);
      expect(opened).toMatchObject({ phase: "open" });
      expect(opened).not.toHaveProperty("openFromStart");
    });

    test("answers a host or viewer with the room's full snapshot", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, hostCmd({ type: "arm" }), 50, s);
      const effects = apply(room, { type: "sync", conn: "v", room: "QUIZ", player: null }, 60, s);
      expect(sentTo(effects, "v")).toEqual([
        {
          type: "state",
          room: "QUIZ",
          version: 1,
          round: 1,
          phase: "open",
          players: [{ id: ids[0] as string, name: "P1", connected: true, lockedOut: false, points: 0 }],
          playerCount: 1,
          offlineCount: 0,
          scoreCount: 1,
          order: [],
          placeCount: 0,
          hosted: false,
          // Open since the room began (arm leaves an open round as it is): no one opened it.
          openFromStart: true,
          scores: [],
          teams: [],
          rules: DEFAULT_RULES,
        },
      ]);
      expect(ofType(effects, "publish")).toEqual([]);
    });
  });

  describe("player's copy", () => {
    test("a snapshot kept current by every delta equals a fresh snapshot", () => {
      const { room, s, ids } = roomWith([null, null, null], "locked");
      const [a, b, c] = ids as [string, string, string];
      const [, first] = sentTo(apply(room, joinCmd(room, "c4", { name: "P4" }), 10, s), "c4");
      if (first?.type !== "state") throw new Error("no snapshot on joining");
      const { type: _, ...start } = first;
      let view: RoomView | null = start;
      const take = (effects: RoomEffect[]) => {
        for (const d of deltas(effects)) view = view && applyDelta(view, d);
      };
      take(apply(room, tick, 30, s));
      take(apply(room, hostCmd({ type: "arm", countdown: 1000 }), 100, s));
      take(apply(room, tick, 1100, s));
      apply(room, buzzes(buzz("c1", a, 1200), buzz("c2", b, 1150)), 1200, s);
      take(apply(room, tick, 1220, s));
      take(apply(room, hostCmd({ type: "reset" }), 1300, s));
      take(apply(room, hostCmd({ type: "kick", player: c }), 1400, s));
      take(apply(room, hostCmd({ type: "arm" }), 1500, s));
      apply(room, buzzes(buzz("c2", b, 1600)), 1600, s);
      take(apply(room, tick, 1620, s));
      expect(view).toEqual(playerView(room, 1620, "00000007"));
      expect(view).toMatchObject({ version: 9, round: 2, phase: "open", playerCount: 3, scoreCount: 3 });
    });
  });
});

describe("playerView", () => {
  test("says where the player's own press stands this round: pending, placed, locked, or none", () => {
    const { room, s, ids } = roomWith([FAST, SLOW, null]);
    const [a, b, c] = ids as [string, string, string];
    // A's press waits for the slow link's window; C has not pressed.
    apply(room, buzzes(buzz("c1", a, 995, 1000)), 1000, s);
    expect(playerView(room, 1000, a).press).toBe("pending");
    expect(playerView(room, 1000, c)).not.toHaveProperty("press");
    apply(room, tick, 1097, s);
    expect(playerView(room, 1097, a).press).toBe("placed");
    apply(room, hostCmd({ type: "reset" }), 1200, s);
    apply(room, buzzes(buzz("c2", b, 1300)), 1300, s);
    expect(playerView(room, 1300, b)).toMatchObject({ lockedOut: true, press: "locked" });
    expect(playerView(room, 1300, a)).not.toHaveProperty("press");
  });
});

describe("playerCount", () => {
  test("counts the players connected now through joins, leaves, resumes, rebinds, kicks, prunes and sweeps", () => {
    const { room, s, ids } = roomWith([null, null, null, null]);
    const [a, b, c, d] = ids as [string, string, string, string];
    let at = 1000;
    /** Applies a command and checks the count players and staff are shown against the players connected. */
    const step = (cmd: Parameters<typeof apply>[1], online: number) => {
      at += 100;
      const effects = [...apply(room, cmd, at, s), ...apply(room, tick, at + 50, s)];
      const connected = [...room.players.values()].filter((p) => p.conn !== null).length;
      expect([room.online, connected]).toEqual([online, online]);
      // Hosts are sent the room on every change (a leave from a stale connection is none).
      expect(staffStates(effects).at(-1)?.playerCount ?? online).toBe(online);
      expect(room.told.playerCount).toBe(online);
    };
    step(joinCmd(room, "c5", { name: "Eve" }), 5);
    step(leaveCmd("c1", a), 4);
    // A leave from a connection the player is no longer on changes nothing.
    step(leaveCmd("c1", a), 4);
    step(joinCmd(room, "c6", { token: nthId(2) }), 5);
    // Resumed on another connection while still on one: one player, one count.
    step(joinCmd(room, "c7", { token: nthId(2) }), 5);
    // B moves to a network of its own (its token, from another address) and leaves from there...
    step(joinCmd(room, "c10", { token: nthId(4), address: "10.0.0.2" }), 5);
    step(leaveCmd("c10", b), 4);
    // ...so its name alone, from that address, with no token, brings it back.
    step(joinCmd(room, "c8", { name: "P2", address: "10.0.0.2" }), 5);
    step(hostCmd({ type: "kick", player: c }), 4);
    step(hostCmd({ type: "kick", player: d, ban: true }), 3);
    step(leaveCmd("c7", a), 2);
    step({ type: "rebind", conn: "c9", room: "QUIZ", player: a }, 3);
    step(leaveCmd("c9", a), 2);
    step(hostCmd({ type: "prune" }), 2);
    expect(room.players.has(a)).toBe(false);
    step(leaveCmd("c8", b), 1);
    step({ type: "sweep" }, 1);
    at += s.resumeGrace;
    step({ type: "sweep" }, 1);
    expect(room.players.size).toBe(1);
    // A plain-text player who leaves is forgotten at once.
    step(joinCmd(room, "p1", { plain: true }), 2);
    const plain = [...room.players.values()].find((p) => p.plain)?.id as string;
    step(leaveCmd("p1", plain), 1);
  });

  test("a player going away is counted out of what players are told; the leaderboard keeps its line", () => {
    const { room, s, ids } = roomWith([null, null]);
    apply(room, hostCmd({ type: "award", player: ids[0] as string, points: 2 }), 50, s);
    apply(room, tick, 100, s);
    apply(room, leaveCmd("c1", ids[0] as string), 200, s);
    expect(deltas(apply(room, tick, 200 + PUBLISH_DELAY, s))).toEqual([
      { type: "delta", room: "QUIZ", version: 3, playerCount: 1 },
    ]);
    expect(playerView(room, 300, ids[1] as string)).toMatchObject({ playerCount: 1, scoreCount: 2 });
  });
});
