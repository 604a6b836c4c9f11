import { describe, expect, test } from "bun:test";
import type { Link } from "../../../buzzer/fair.ts";
import type { ServerMessage } from "../../../buzzer/protocol.ts";
import type { RoomCommand, RoomEffect } from "../../../buzzer/room/commands.ts";
import type { Buzz } from "../../../buzzer/room/decide.ts";
import { PUBLISH_DELAY, type Settings } from "../../../buzzer/room/effects.ts";
import { apply, type EngineCommand } from "../../../buzzer/room/engine.ts";
import type { Claim } from "../../../buzzer/room/records.ts";
import { newRoom, type Room } from "../../../buzzer/room/state.ts";

/** The n-th id a counter-based `newId` hands out: 32 hex digits whose first 8 (a player id) differ. */
const nthId = (n: number) => n.toString(16).padStart(8, "0").repeat(4);

/** Engine settings with a counter for ids: the first player is `00000001`, its token the second id. */
function settings(over: Partial<Settings> = {}): Settings {
  let n = 0;
  return { maxWait: 1000, mainSecret: "main-secret", logging: false, newId: () => nthId(++n), ...over };
}

const FAST: Link = { rtt: 10, high: 12, jitter: 1 };
const SLOW: Link = { rtt: 80, high: 100, jitter: 5 };

type Join = Extract<RoomCommand, { type: "join" }>;

/** A join command for `conn`, with no link and room to add a player unless told otherwise. */
function joinCmd(room: Room, conn: string, over: Partial<Join> = {}): Join {
  return { type: "join", conn, room: room.code, link: null, mayAdd: true, ...over };
}

/** A claim the gateway would have made for a press at `press` that arrived at `arrival`. */
function claim(player: string, press: number, arrival = press, uncertainty = 2): Claim {
  return {
    player,
    arrival,
    claimed: press,
    mapped: press,
    press,
    uncertainty,
    offset: 0,
    rtt: null,
    jitter: null,
    bound: "none",
    allowance: arrival - press,
  };
}

function buzz(conn: string, player: string, press: number, arrival = press, uncertainty = 2): Buzz {
  return { type: "buzz", conn, room: "QUIZ", claim: claim(player, press, arrival, uncertainty) };
}

const buzzes = (...list: Buzz[]): EngineCommand => ({ type: "buzzes", list });
const tick: EngineCommand = { type: "tick" };

/** The messages sent to one connection, in order. */
function sentTo(effects: RoomEffect[], conn: string): ServerMessage[] {
  return effects.flatMap((e) => (e.type === "send" && e.conn === conn ? [e.msg] : []));
}

/** The verdict texts sent, as [conn, text] in order. */
function verdicts(effects: RoomEffect[]): [string, string][] {
  return effects.flatMap((e): [string, string][] =>
    e.type === "send" && e.msg.type === "verdict" ? [[e.conn, e.msg.text]] : [],
  );
}

function errors(effects: RoomEffect[]) {
  return effects.flatMap((e) =>
    e.type === "error" ? [{ conn: e.conn, code: e.code, message: e.message }] : [],
  );
}

function ofType<T extends RoomEffect["type"]>(effects: RoomEffect[], type: T) {
  return effects.filter((e): e is Extract<RoomEffect, { type: T }> => e.type === type);
}

/** The time the step asked to be woken at (always its last effect). */
function wakeAt(effects: RoomEffect[]): number | null {
  const last = effects.at(-1);
  if (last?.type !== "wake") throw new Error(`last effect is ${last?.type}, not wake`);
  return last.at;
}

/**
 * A room with players joined at time 0 on connections c1, c2… (player ids 00000001, 00000003…: each
 * new JSON player takes two ids, one for the id and one for the token), its first view already out.
 */
function roomWith(links: (Link | null)[], phase: "open" | "locked" = "open", s = settings()) {
  const room = newRoom("QUIZ", "quiz-secret", phase);
  const ids = links.map((link, i) => {
    const effects = apply(room, joinCmd(room, `c${i + 1}`, { name: `P${i + 1}`, link }), 0, s);
    const bind = ofType(effects, "bind")[0];
    if (!bind?.player) throw new Error("join did not bind a player");
    return bind.player;
  });
  expect(wakeAt(apply(room, tick, PUBLISH_DELAY, s))).toBeNull();
  return { room, s, ids };
}

describe("engine", () => {
  describe("join", () => {
    test("adds a named player, journals it, binds the connection and welcomes it", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { name: " Alice " }), 5, settings());
      const token = nthId(2);
      expect(effects.map((e) => e.type)).toEqual(["persist", "bind", "send", "send", "wake"]);
      expect(effects[0]).toEqual({
        type: "persist",
        entries: [{ e: "player", room: "QUIZ", id: "00000001", name: "Alice", token, plain: false }],
      });
      expect(effects[1]).toEqual({
        type: "bind",
        conn: "c1",
        room: "QUIZ",
        player: "00000001",
        host: false,
        added: true,
      });
      const [welcome, state] = sentTo(effects, "c1");
      expect(welcome).toEqual({
        type: "welcome",
        id: "00000001",
        name: "Alice",
        room: "QUIZ",
        token,
        host: false,
      });
      expect(state).toMatchObject({ type: "state", room: "QUIZ", round: 1, phase: "locked", playerCount: 1 });
      expect(room.players.get("00000001")).toMatchObject({ name: "Alice", conn: "c1", plain: false });
    });

    test("names anonymous players Player 1, Player 2", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      apply(room, joinCmd(room, "c1"), 0, s);
      apply(room, joinCmd(room, "c2"), 0, s);
      expect([...room.players.values()].map((p) => p.name)).toEqual(["Player 1", "Player 2"]);
    });

    test("numbers duplicate names: Alice, Alice (2), Alice (3)", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      const names = ["c1", "c2", "c3"].map((conn) => {
        const [welcome] = sentTo(apply(room, joinCmd(room, conn, { name: "Alice" }), 0, s), conn);
        return welcome?.type === "welcome" ? welcome.name : null;
      });
      expect(names).toEqual(["Alice", "Alice (2)", "Alice (3)"]);
    });

    test("logs a join when logging is on", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { name: "Alice" }), 0, settings({ logging: true }));
      expect(ofType(effects, "log")).toEqual([{ type: "log", line: "[QUIZ] Alice joined" }]);
    });

    test("resumes by token: same identity, no new journal entry, and the old connection closed with 4004", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      apply(room, joinCmd(room, "c1", { name: "Alice" }), 0, s);
      const effects = apply(room, joinCmd(room, "c2", { token: nthId(2), link: FAST, mayAdd: false }), 10, s);
      expect(effects.map((e) => e.type)).toEqual(["close", "bind", "send", "send", "wake"]);
      expect(effects[0]).toEqual({
        type: "close",
        conn: "c1",
        code: 4004,
        reason: "resumed on another connection",
      });
      expect(effects[1]).toMatchObject({ type: "bind", conn: "c2", player: "00000001", added: false });
      expect(sentTo(effects, "c2")[0]).toMatchObject({
        type: "welcome",
        id: "00000001",
        name: "Alice",
        token: nthId(2),
      });
      expect(room.players.size).toBe(1);
      expect(room.players.get("00000001")).toMatchObject({ conn: "c2", link: FAST });
    });

    test("tells a resumed player its verdict again", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, buzzes(buzz("c1", ids[0] as string, 100)), 100, s);
      apply(room, { type: "leave", conn: "c1", room: "QUIZ", player: ids[0] as string }, 200, s);
      const effects = apply(room, joinCmd(room, "c9", { token: nthId(2) }), 300, s);
      expect(verdicts(effects)).toEqual([["c9", "first place!"]]);
    });

    test("refuses a malformed token with BAD_TOKEN", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { token: "not-a-token" }), 0, settings());
      expect(errors(effects)).toEqual([
        { conn: "c1", code: "BAD_TOKEN", message: "resume token must be 32 hex digits" },
      ]);
      expect(room.players.size).toBe(0);
    });

    test("adopts an unknown well-formed token as a new player's", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const token = "ab".repeat(16);
      const effects = apply(room, joinCmd(room, "c1", { token }), 0, settings());
      expect(sentTo(effects, "c1")[0]).toMatchObject({ type: "welcome", id: "00000001", token });
      expect(room.tokens.get(token)).toBe("00000001");
    });

    test("refuses a new player with RATE_LIMITED when its address may add none", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { name: "Alice", mayAdd: false }), 0, settings());
      expect(errors(effects)).toEqual([
        {
          conn: "c1",
          code: "RATE_LIMITED",
          message: "too many players joined from your address: try again shortly",
        },
      ]);
      expect(ofType(effects, "persist")).toEqual([]);
      expect(room.players.size).toBe(0);
    });

    test("refuses a bad name with BAD_NAME", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { name: "  " }), 0, settings());
      expect(errors(effects)).toEqual([{ conn: "c1", code: "BAD_NAME", message: "name must not be empty" }]);
    });

    test("refuses a wrong host secret with a BAD_SECRET error effect", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { secret: "guess" }), 0, settings({ logging: true }));
      expect(effects).toEqual([
        { type: "log", line: "Refused a client: BAD_SECRET wrong host secret for room QUIZ" },
        { type: "error", conn: "c1", code: "BAD_SECRET", message: "wrong host secret for room QUIZ" },
        { type: "wake", at: null },
      ]);
    });

    test("admits a host with the room's secret or the main secret", () => {
      for (const secret of ["quiz-secret", "main-secret"]) {
        const room = newRoom("QUIZ", "quiz-secret");
        const effects = apply(room, joinCmd(room, "h", { secret }), 0, settings());
        expect(ofType(effects, "bind")).toEqual([
          { type: "bind", conn: "h", room: "QUIZ", player: null, host: true, added: false },
        ]);
        expect(sentTo(effects, "h")[0]).toEqual({
          type: "welcome",
          id: "host",
          name: "host",
          room: "QUIZ",
          token: "",
          host: true,
        });
        expect(room.players.size).toBe(0);
      }
    });

    test("binds a watcher as a viewer, not a player", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "v", { watch: true, name: "Screen" }), 0, settings());
      expect(ofType(effects, "bind")[0]).toMatchObject({ player: null, host: false, added: false });
      expect(sentTo(effects, "v")[0]).toMatchObject({ type: "welcome", id: "viewer", host: false });
      expect(room.players.size).toBe(0);
    });

    test("adds a plain-text player with no token and sends it no welcome", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { plain: true }), 0, settings());
      expect(effects[0]).toEqual({
        type: "persist",
        entries: [{ e: "player", room: "QUIZ", id: "00000001", name: "Player 1", token: "", plain: true }],
      });
      expect(sentTo(effects, "c1")).toEqual([]);
      expect(room.tokens.size).toBe(0);
    });
  });

  describe("buzzes", () => {
    test("orders a batch by press time, not arrival, with the original's verdict texts", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      // Both arrive at 1000; b's press was 40 ms earlier.
      const effects = apply(room, buzzes(buzz("c1", a, 1000, 1000), buzz("c2", b, 960, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([
        ["c2", "first place!"],
        ["c1", "response time: 0.04 seconds slower!"],
      ]);
      expect(sentTo(effects, "c1")).toEqual([
        {
          type: "verdict",
          round: 1,
          place: 2,
          gap: 0.04,
          photo: false,
          text: "response time: 0.04 seconds slower!",
        },
      ]);
      expect(room.round.placed.map((p) => p.player)).toEqual([b, a]);
    });

    test("journals placed presses before the verdicts they back go out", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      const effects = apply(room, buzzes(buzz("c1", a, 1000), buzz("c2", b, 990)), 1000, s);
      const persist = effects.findIndex((e) => e.type === "persist");
      const firstVerdict = effects.findIndex((e) => e.type === "send" && e.msg.type === "verdict");
      expect(persist).toBeGreaterThanOrEqual(0);
      expect(persist).toBeLessThan(firstVerdict);
      expect(effects[persist]).toMatchObject({
        entries: [
          {
            e: "placed",
            room: "QUIZ",
            round: 1,
            presses: [
              { player: b, place: 1 },
              { player: a, place: 2 },
            ],
          },
        ],
      });
    });

    test("records each placed press with its claim, place and gap", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      const effects = apply(room, buzzes(buzz("c1", a, 1000), buzz("c2", b, 990)), 1000, s);
      const records = ofType(effects, "record").map((e) => e.record);
      expect(records).toMatchObject([
        { room: "QUIZ", round: 1, player: b, name: "P2", press: 990, arrival: 990, place: 1, gap: 0 },
        { room: "QUIZ", round: 1, player: a, name: "P1", press: 1000, arrival: 1000, place: 2, gap: 10 },
      ]);
      expect(room.records).toHaveLength(2);
    });

    test("flags a photo finish when presses are closer than their uncertainties", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      const effects = apply(room, buzzes(buzz("c1", a, 1000, 1000, 5), buzz("c2", b, 997, 1000, 5)), 1000, s);
      expect(sentTo(effects, "c1")[0]).toMatchObject({ place: 2, photo: true });
    });

    test("refuses a buzz from a connection that is not the player's with NOT_PLAYER", () => {
      const { room, s, ids } = roomWith([null]);
      const effects = apply(room, buzzes(buzz("host", ids[0] as string, 100)), 100, s);
      expect(errors(effects)).toEqual([
        { conn: "host", code: "NOT_PLAYER", message: "hosts and viewers do not buzz" },
      ]);
      expect(room.round.pending).toEqual([]);
    });

    test("answers a repeat of a placed press at once with the same verdict", () => {
      const { room, s, ids } = roomWith([null, null]);
      const [a, b] = ids as [string, string];
      apply(room, buzzes(buzz("c1", a, 1000), buzz("c2", b, 990)), 1000, s);
      const effects = apply(room, buzzes(buzz("c1", a, 1500)), 1500, s);
      expect(verdicts(effects)).toEqual([["c1", "response time: 0.01 seconds slower!"]]);
      expect(ofType(effects, "persist")).toEqual([]);
      expect(room.round.placed.map((p) => p.press)).toEqual([990, 1000]);
    });

    test("answers each repeat of a pending press once it is placed", () => {
      const { room, s, ids } = roomWith([null, SLOW]);
      const a = ids[0] as string;
      apply(room, buzzes(buzz("c1", a, 1000)), 1000, s);
      expect(verdicts(apply(room, buzzes(buzz("c1", a, 1010)), 1010, s))).toEqual([]);
      const effects = apply(room, tick, 1102, s);
      expect(verdicts(effects)).toEqual([
        ["c1", "first place!"],
        ["c1", "first place!"],
      ]);
      expect(room.round.placed[0]?.press).toBe(1000);
    });
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
      apply(room, { type: "link", room: "QUIZ", player: ids[1] as string, link: SLOW }, 10, s);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([]);
      expect(wakeAt(effects)).toBe(1097);
    });

    test("waits for prospects: connections that have not joined yet", () => {
      const { room, s, ids } = roomWith([null]);
      const far: Link = { rtt: 250, high: 300, jitter: 10 };
      apply(room, { type: "prospects", room: "QUIZ", gateway: "g1", link: far }, 10, s);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([]);
      expect(wakeAt(effects)).toBe(1302);
      expect(verdicts(apply(room, tick, 1301, s))).toEqual([]);
      expect(verdicts(apply(room, tick, 1302, s))).toEqual([["c1", "first place!"]]);
    });

    test("stops waiting for a gateway whose prospects are gone", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, { type: "prospects", room: "QUIZ", gateway: "g1", link: SLOW }, 10, s);
      apply(room, { type: "prospects", room: "QUIZ", gateway: "g1", link: null }, 20, s);
      expect(room.prospects.size).toBe(0);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 1000)), 1000, s);
      expect(verdicts(effects)).toEqual([["c1", "first place!"]]);
    });
  });

  describe("false starts and release", () => {
    test("locks out a player who buzzes while the round is locked, then answers LOCKED_OUT", () => {
      const { room, s, ids } = roomWith([null], "locked");
      const a = ids[0] as string;
      const first = apply(room, buzzes(buzz("c1", a, 100)), 100, s);
      expect(errors(first)).toEqual([
        { conn: "c1", code: "FALSE_START", message: "too early: you are locked out of this round" },
      ]);
      expect(ofType(first, "persist")).toEqual([
        {
          type: "persist",
          entries: [
            { e: "round", room: "QUIZ", number: 1, phase: "locked", releaseAt: null, lockedOut: [a] },
          ],
        },
      ]);
      expect(wakeAt(first)).toBe(100 + PUBLISH_DELAY);
      const again = apply(room, buzzes(buzz("c1", a, 200)), 200, s);
      expect(errors(again)).toEqual([
        { conn: "c1", code: "LOCKED_OUT", message: "you are locked out of this round" },
      ]);
      // The lockout lasts the round, even once it opens.
      apply(room, { type: "host", conn: "h", room: "QUIZ", action: { type: "arm" } }, 300, s);
      expect(errors(apply(room, buzzes(buzz("c1", a, 400)), 400, s))).toMatchObject([{ code: "LOCKED_OUT" }]);
    });

    test("arms a round: a release effect names the opening time, and the wake-up is at it", () => {
      const { room, s } = roomWith([null], "locked");
      const effects = apply(
        room,
        { type: "host", conn: "h", room: "QUIZ", action: { type: "arm", countdown: 3000 } },
        100,
        s,
      );
      expect(ofType(effects, "release")).toEqual([{ type: "release", room: "QUIZ", round: 1, at: 3100 }]);
      expect(ofType(effects, "persist")[0]?.entries).toEqual([
        { e: "round", room: "QUIZ", number: 1, phase: "armed", releaseAt: 3100, lockedOut: [] },
      ]);
      expect(ofType(effects, "publish")[0]?.msg).toMatchObject({ phase: "armed", countdown: 3000 });
      expect(wakeAt(effects)).toBe(3100);
    });

    test("locks out a press before the release of an armed round", () => {
      const { room, s, ids } = roomWith([null], "locked");
      apply(room, { type: "host", conn: "h", room: "QUIZ", action: { type: "arm", countdown: 3000 } }, 0, s);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 2900)), 2900, s);
      expect(errors(effects)).toMatchObject([{ code: "FALSE_START" }]);
      expect(room.round.lockedOut).toEqual([ids[0] as string]);
    });

    test("gives a press within its uncertainty of the release the benefit, placed at the release", () => {
      const { room, s, ids } = roomWith([null], "locked");
      apply(room, { type: "host", conn: "h", room: "QUIZ", action: { type: "arm", countdown: 3000 } }, 0, s);
      const effects = apply(room, buzzes(buzz("c1", ids[0] as string, 2999, 2999, 2)), 2999, s);
      expect(errors(effects)).toEqual([]);
      expect(room.round.pending[0]?.press).toBe(3000);
    });

    test("opens an armed round on the tick at its release time, not before", () => {
      const { room, s } = roomWith([null], "locked");
      apply(room, { type: "host", conn: "h", room: "QUIZ", action: { type: "arm", countdown: 3000 } }, 0, s);
      const early = apply(room, tick, 2990, s);
      expect(room.round.phase).toBe("armed");
      expect(ofType(early, "publish")).toEqual([]);
      expect(wakeAt(early)).toBe(3000);
      const due = apply(room, tick, 3000, s);
      expect(room.round.phase).toBe("open");
      expect(ofType(due, "persist")[0]?.entries).toEqual([
        { e: "round", room: "QUIZ", number: 1, phase: "open", releaseAt: 3000, lockedOut: [] },
      ]);
      expect(ofType(due, "publish")[0]?.msg).toMatchObject({ type: "state", phase: "open" });
      expect(wakeAt(due)).toBeNull();
    });
  });

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
        "record",
        "publish",
        "persist",
        "publish",
        "wake",
      ]);
      expect(verdicts(effects)).toEqual([["c1", "first place!"]]);
      const [final, next] = ofType(effects, "publish").map((e) => e.msg);
      expect(final).toMatchObject({ round: 1, order: [{ id: a, place: 1 }] });
      expect(next).toMatchObject({ round: 2, phase: "locked", order: [] });
      expect(ofType(effects, "persist")[1]?.entries).toEqual([
        { e: "round", room: "QUIZ", number: 2, phase: "locked", releaseAt: null, lockedOut: [] },
      ]);
      expect(room.claims.size).toBe(0);
      expect(room.settleAt).toBeNull();
      expect(wakeAt(effects)).toBeNull();
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
      expect(ofType(effects, "publish")[0]?.msg).toMatchObject({ playerCount: 1 });
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
  });

  describe("leave", () => {
    test("forgets a plain-text player with no press in the round", () => {
      const room = newRoom("QUIZ", "quiz-secret", "open");
      const s = settings();
      apply(room, joinCmd(room, "p1", { plain: true }), 0, s);
      const id = [...room.players.keys()][0] as string;
      apply(room, { type: "leave", conn: "p1", room: "QUIZ", player: id }, 10, s);
      expect(room.players.size).toBe(0);
      expect(room.names.size).toBe(0);
    });

    test("keeps a JSON player, away, so a resume keeps its identity", () => {
      const { room, s, ids } = roomWith([FAST]);
      const effects = apply(
        room,
        { type: "leave", conn: "c1", room: "QUIZ", player: ids[0] as string },
        10,
        s,
      );
      expect(room.players.get(ids[0] as string)).toMatchObject({ conn: null, name: "P1" });
      expect(wakeAt(effects)).toBe(10 + PUBLISH_DELAY);
    });

    test("ignores a leave from a connection the player has already left by resuming", () => {
      const { room, s, ids } = roomWith([null]);
      apply(room, joinCmd(room, "c9", { token: nthId(2) }), 10, s);
      apply(room, { type: "leave", conn: "c1", room: "QUIZ", player: ids[0] as string }, 20, s);
      expect(room.players.get(ids[0] as string)?.conn).toBe("c9");
    });
  });

  describe("publish", () => {
    test("coalesces changes within PUBLISH_DELAY into one published view", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      expect(wakeAt(apply(room, joinCmd(room, "c1"), 0, s))).toBe(PUBLISH_DELAY);
      const second = apply(room, joinCmd(room, "c2"), 10, s);
      expect(ofType(second, "publish")).toEqual([]);
      expect(wakeAt(second)).toBe(PUBLISH_DELAY);
      expect(room.publishAt).toBe(PUBLISH_DELAY);
      expect(ofType(apply(room, tick, PUBLISH_DELAY - 1, s), "publish")).toEqual([]);
      const due = apply(room, tick, PUBLISH_DELAY, s);
      const published = ofType(due, "publish");
      expect(published).toHaveLength(1);
      expect(published[0]?.msg).toMatchObject({ type: "state", room: "QUIZ", playerCount: 2 });
      expect(room.publishAt).toBeNull();
      expect(wakeAt(due)).toBeNull();
    });

    test("wakes at the earliest of settle and publish", () => {
      const { room, s, ids } = roomWith([FAST, SLOW]);
      apply(room, buzzes(buzz("c1", ids[0] as string, 995, 1000)), 1000, s);
      // A join now wants a publish at 1020, sooner than the settle at 1097.
      expect(wakeAt(apply(room, joinCmd(room, "c3"), 1000, s))).toBe(1000 + PUBLISH_DELAY);
      expect(wakeAt(apply(room, tick, 1020, s))).toBe(1097);
    });
  });
});
