import { describe, expect, test } from "bun:test";
import { RESUMES_PER_PLAYER } from "../../../buzzer/limit.ts";
import type { RoomEffect } from "../../../buzzer/room/commands.ts";
import { PUBLISH_DELAY } from "../../../buzzer/room/effects.ts";
import { apply, awaitReturns } from "../../../buzzer/room/engine.ts";
import { newRoom, type Player, setConn } from "../../../buzzer/room/state.ts";
import { PLAYERS_LOGGED } from "../../../lib/log.ts";
import {
  buzz,
  buzzes,
  deltas,
  errors,
  FAST,
  GRACE,
  hostCmd,
  type Join,
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
  verdicts,
  wakeAt,
} from "./engine_support.ts";

describe("engine", () => {
  describe("join", () => {
    test("adds a named player, journals it, binds the connection and welcomes it", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { name: " Alice " }), 5, settings());
      const token = nthId(2);
      expect(effects.map((e) => e.type)).toEqual(["persist", "bind", "send", "send", "wake"]);
      expect(effects[0]).toEqual({
        type: "persist",
        entries: [
          {
            e: "player",
            room: "QUIZ",
            id: "00000001",
            name: "Alice",
            token,
            plain: false,
            address: "10.0.0.1",
          },
        ],
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
      // A player's snapshot: no player list, the top of the order, its own lockout, the version.
      expect(state).toEqual({
        type: "state",
        room: "QUIZ",
        version: 0,
        round: 1,
        phase: "locked",
        players: [],
        playerCount: 1,
        scoreCount: 1,
        order: [],
        lockedOut: false,
        hosted: false,
        scores: [],
        teams: [],
        you: { points: 0, rank: 1 },
      });
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

    test("says in the welcome of a numbered name which name was taken, as its holder spells it, on that join alone, not on a resume", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      const welcome = (conn: string, over: Partial<Join>) =>
        sentTo(apply(room, joinCmd(room, conn, over), 0, s), conn).find((m) => m.type === "welcome");
      expect(welcome("c1", { name: "Alice" })).not.toHaveProperty("taken");
      const second = welcome("c2", { name: "alice" });
      // The name as its holder spells it, the one the others see: Alice has it, not alice.
      expect(second).toMatchObject({ name: "alice (2)", taken: "Alice" });
      apply(room, leaveCmd("c2", second?.type === "welcome" ? second.id : null), 10, s);
      const token = second?.type === "welcome" ? second.token : "";
      const resumed = welcome("c3", { token });
      expect(resumed).toMatchObject({ name: "alice (2)", id: second?.type === "welcome" ? second.id : "" });
      expect(resumed).not.toHaveProperty("taken");
    });

    test("logs a join when logging is on", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const effects = apply(room, joinCmd(room, "c1", { name: "Alice" }), 0, settings({ logging: true }));
      expect(ofType(effects, "log")).toEqual([{ type: "log", line: "[QUIZ] Alice joined" }]);
    });

    test("in a room past PLAYERS_LOGGED logs a count at each hundred instead of each join and disconnect", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings({ logging: true });
      const lines: string[] = [];
      const step = (effects: RoomEffect[]) => lines.push(...ofType(effects, "log").map((e) => e.line));
      const ids: string[] = [];
      for (let i = 1; i <= 200; i++) {
        const effects = apply(room, joinCmd(room, `c${i}`, { name: `P${i}` }), 0, s);
        ids.push(ofType(effects, "bind")[0]?.player as string);
        step(effects);
      }
      for (let i = 200; i > 99; i--) step(apply(room, leaveCmd(`c${i}`, ids[i - 1] as string), 10, s));
      expect(lines.length).toBe(PLAYERS_LOGGED + 2);
      expect(lines.slice(PLAYERS_LOGGED - 1)).toEqual([
        "[QUIZ] P100 joined",
        "[QUIZ] 200 players in the room",
        "[QUIZ] 100 players connected",
      ]);
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

    test("logs a player that comes back by token after it disconnected, and not one that only changes connection", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings({ logging: true });
      const logged = (effects: ReturnType<typeof apply>) => ofType(effects, "log").map((l) => l.line);
      apply(room, joinCmd(room, "c1", { name: "Alice" }), 0, s);
      expect(logged(apply(room, joinCmd(room, "c2", { token: nthId(2), mayAdd: false }), 10, s))).toEqual([]);
      expect(logged(apply(room, leaveCmd("c2", "00000001"), 20, s))).toEqual(["[QUIZ] Alice disconnected"]);
      expect(logged(apply(room, joinCmd(room, "c3", { token: nthId(2), mayAdd: false }), 30, s))).toEqual([
        "[QUIZ] Alice is back",
      ]);
    });

    test("refuses a player coming back more than RESUMES_PER_PLAYER allows with RATE_LIMITED and the wait, on both ways back", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      apply(room, joinCmd(room, "c0", { name: "Alice" }), 0, s);
      const back = (conn: string, at: number, over: Partial<Join> = { token: nthId(2) }) =>
        apply(room, joinCmd(room, conn, { ...over, mayAdd: false }), at, s);
      for (let i = 1; i <= RESUMES_PER_PLAYER.burst; i++) expect(errors(back(`c${i}`, 10))).toEqual([]);
      const refused = back("c11", 10);
      expect(errors(refused)).toEqual([
        { conn: "c11", code: "RATE_LIMITED", message: "coming back too often: wait 2 seconds", retryIn: 2 },
      ]);
      // By name from the same address, the other way back, the allowance is the same one.
      expect(errors(back("c12", 10, { name: "Alice" }))[0]).toMatchObject({ code: "RATE_LIMITED" });
      // Refused, the player stays on the connection it had.
      expect(room.players.get("00000001")?.conn).toBe(`c${RESUMES_PER_PLAYER.burst}`);
      expect(errors(back("c13", 10 + 2000))).toEqual([]);
      expect(room.players.get("00000001")?.conn).toBe("c13");
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
        { type: "log", line: "Refused a client: wrong host secret for room QUIZ" },
        { type: "error", conn: "c1", code: "BAD_SECRET", message: "wrong host secret for room QUIZ" },
        { type: "wake", at: null },
      ]);
    });

    test("counts wrong secrets per address in the room, whatever connection or process they come by", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      const codes = Array.from({ length: 11 }, (_, i) => {
        const effects = apply(room, joinCmd(room, `g${i % 3}.${i}`, { secret: `guess${i}` }), 0, s);
        return ofType(effects, "error")[0]?.code;
      });
      expect(codes).toEqual([...Array(10).fill("BAD_SECRET"), "RATE_LIMITED"]);
      // Past the limit even the right secret is refused from that address; another address gets in.
      const right = apply(room, joinCmd(room, "g1.99", { secret: "quiz-secret" }), 0, s);
      expect(ofType(right, "error")).toEqual([
        {
          type: "error",
          conn: "g1.99",
          code: "RATE_LIMITED",
          message: "too many wrong secrets from your address: wait 6 seconds",
          retryIn: 6,
        },
      ]);
      // The refusal counts down as the allowance refills (one try every 6 s), and then lets it in.
      const later = apply(room, joinCmd(room, "g1.101", { secret: "quiz-secret" }), 4500, s);
      expect(ofType(later, "error")[0]).toMatchObject({
        message: "too many wrong secrets from your address: wait 2 seconds",
        retryIn: 2,
      });
      expect(
        ofType(apply(room, joinCmd(room, "g1.102", { secret: "quiz-secret" }), 6000, s), "bind"),
      ).toHaveLength(1);
      const other = apply(
        room,
        joinCmd(room, "g1.100", { secret: "quiz-secret", address: "10.0.0.2" }),
        0,
        s,
      );
      expect(ofType(other, "bind")).toHaveLength(1);
    });

    test("adds at most the join rate's burst of new players from one address to the room", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings({ joinRate: { burst: 2, perSecond: 1 } });
      const codes = ["c1", "c2", "c3"].map(
        (conn) => ofType(apply(room, joinCmd(room, conn), 0, s), "error")[0]?.code,
      );
      expect(codes).toEqual([undefined, undefined, "RATE_LIMITED"]);
      expect(ofType(apply(room, joinCmd(room, "c4"), 1000, s), "bind")).toHaveLength(1);
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
        entries: [
          {
            e: "player",
            room: "QUIZ",
            id: "00000001",
            name: "Player 1",
            token: "",
            plain: true,
            address: "10.0.0.1",
          },
        ],
      });
      expect(sentTo(effects, "c1")).toEqual([]);
      expect(room.tokens.size).toBe(0);
    });

    test("gives each new player an id no one in the room has, even when newId repeats its first 8 digits", () => {
      const room = newRoom("QUIZ", "quiz-secret", "open");
      // Two ids that differ only past the 8 digits a player id keeps, then a fresh one.
      const ids = ["ab12cd34".padEnd(32, "0"), "ab12cd34".padEnd(32, "1"), nthId(3)];
      const s = settings({ newId: () => ids.shift() as string });
      const bound = ["c1", "c2"].map(
        (c) => ofType(apply(room, joinCmd(room, c, { plain: true }), 0, s), "bind")[0],
      );
      expect(bound.map((b) => b?.player)).toEqual(["ab12cd34", "00000003"]);
      // Each player's buzz is its own: neither is refused as someone else's.
      const effects = apply(room, buzzes(buzz("c1", "ab12cd34", 100), buzz("c2", "00000003", 90)), 100, s);
      expect(errors(effects)).toEqual([]);
      expect(verdicts(effects)).toEqual([
        ["c2", "first place!"],
        ["c1", "response time: 0.01 seconds slower!"],
      ]);
    });

    test("gives a new player no id that a kicked player's press or a departed player's line still has", () => {
      const room = newRoom("QUIZ", "quiz-secret", "open");
      const ids = [nthId(1), nthId(2), nthId(1), nthId(2), nthId(3)];
      const s = settings({ newId: () => ids.shift() as string });
      apply(room, joinCmd(room, "c1", { plain: true }), 0, s);
      apply(room, joinCmd(room, "c2", { plain: true }), 0, s);
      apply(room, buzzes(buzz("c1", "00000001", 100)), 100, s);
      apply(room, hostCmd({ type: "kick", player: "00000001" }), 2000, s);
      apply(room, hostCmd({ type: "award", player: "00000002", points: 5 }), 2000, s);
      apply(room, leaveCmd("c2", "00000002"), 2000, s);
      // Both are gone from the players, but the round still places 00000001 and the board lists 00000002.
      expect([...room.players.keys()]).toEqual([]);
      expect(room.round.placed.map((p) => p.player)).toEqual(["00000001"]);
      expect([...room.departed.keys()]).toEqual(["00000002"]);
      const bind = ofType(apply(room, joinCmd(room, "c3", { plain: true }), 2000, s), "bind")[0];
      expect(bind?.player).toBe("00000003");
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
      const records = ofType(effects, "records").flatMap((e) => e.records);
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

    test("places a buzz that reaches a room taken over before its connection's rebind, and binds the player to it", () => {
      const { room, s, ids } = roomWith([null]);
      const player = room.players.get(ids[0] as string) as Player;
      // Taken over: the journal restores the player with no connection, until its gateway rebinds it.
      setConn(room, player, null);
      awaitReturns(room, 50);
      const effects = apply(room, buzzes(buzz("b.7", player.id, 100)), 100, s);
      expect(errors(effects)).toEqual([]);
      apply(room, tick, 2000, s);
      expect(player.conn).toBe("b.7");
      expect(player.leftAt).toBeNull();
      expect(room.round.placed.map((p) => p.player)).toEqual([player.id]);
      // The rebind that follows changes nothing.
      apply(room, { type: "rebind", conn: "b.7", room: "QUIZ", player: player.id }, 2100, s);
      expect(room.online).toBe(1);
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

  describe("false starts and release", () => {
    test("locks out a player who buzzes while the round is locked, then answers LOCKED_OUT", () => {
      const { room, s, ids } = roomWith([null], "locked");
      const a = ids[0] as string;
      const first = apply(room, buzzes(buzz("c1", a, 100)), 100, s);
      expect(errors(first)).toEqual([
        {
          conn: "c1",
          code: "FALSE_START",
          message: "too early: you are locked out of this round",
          falseStart: "early",
        },
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

    test("logs a false start once, in words, and a locked-out player's extra press not at all", () => {
      const { room, s, ids } = roomWith([null], "locked", settings({ logging: true }));
      const a = ids[0] as string;
      const lines = (effects: RoomEffect[]) => ofType(effects, "log").map((e) => e.line);
      expect(lines(apply(room, buzzes(buzz("c1", a, 100)), 100, s))).toEqual([
        "[QUIZ] P1 false start: locked out of round 1",
      ]);
      expect(lines(apply(room, buzzes(buzz("c1", a, 200)), 200, s))).toEqual([]);
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
      expect(deltas(effects)).toEqual([
        { type: "delta", room: "QUIZ", version: 2, phase: "armed", countdown: 3000 },
      ]);
      expect(staffStates(effects)).toMatchObject([{ phase: "armed", countdown: 3000 }]);
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
      expect(deltas(due)).toEqual([{ type: "delta", room: "QUIZ", version: 3, phase: "open" }]);
      expect(staffStates(due)).toMatchObject([{ type: "state", phase: "open" }]);
      expect(staffStates(due)[0]?.countdown).toBeUndefined();
      expect(wakeAt(due)).toBeNull();
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

  describe("watchers", () => {
    test("counts hosts and viewers in, and out on their leave (player null), each connection once", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      apply(room, joinCmd(room, "h", { secret: "quiz-secret" }), 0, s);
      apply(room, joinCmd(room, "v", { watch: true }), 0, s);
      apply(room, joinCmd(room, "c1", { name: "Alice" }), 0, s);
      apply(room, joinCmd(room, "x", { secret: "wrong-secret" }), 0, s);
      expect(room.watchers).toEqual(new Set(["h", "v"]));
      const left = apply(room, leaveCmd("h", null), 10, s);
      expect(room.watchers).toEqual(new Set(["v"]));
      // A host or viewer leaving changes nothing players see: nothing is published for it.
      expect(left).toEqual([{ type: "wake", at: PUBLISH_DELAY }]);
      // A rebind said again, or a leave, counts the connection once: a viewer on stays counted.
      apply(room, { type: "rebind", conn: "v", room: "QUIZ", player: null }, 15, s);
      apply(room, leaveCmd("h", null), 20, s);
      expect(room.watchers).toEqual(new Set(["v"]));
      apply(room, leaveCmd("v", null), 30, s);
      apply(room, leaveCmd("v", null), 40, s);
      expect(room.watchers.size).toBe(0);
      expect(room.players.size).toBe(1);
    });

    test("counts a host's or viewer's command as activity, but not a tick or a sweep", () => {
      const room = newRoom("QUIZ", "quiz-secret");
      const s = settings();
      apply(room, joinCmd(room, "v", { watch: true }), 100, s);
      expect(room.activeAt).toBe(100);
      apply(room, tick, 200, s);
      apply(room, { type: "sweep" }, 300, s);
      expect(room.activeAt).toBe(100);
      apply(room, leaveCmd("v", null), 400, s);
      expect(room.activeAt).toBe(400);
    });
  });

  describe("sweep", () => {
    test("forgets a departed player once resumeGrace has passed, journaling that it left", () => {
      const { room, s, ids } = roomWith([null, null]);
      const a = ids[0] as string;
      apply(room, leaveCmd("c1", a), 1000, s);
      // Players are told the count of players online at once; the leaderboard keeps the line.
      expect(deltas(apply(room, tick, 1000 + PUBLISH_DELAY, s))).toEqual([
        { type: "delta", room: "QUIZ", version: 2, playerCount: 1 },
      ]);
      expect(apply(room, { type: "sweep" }, 1000 + GRACE - 1, s)).toEqual([{ type: "wake", at: null }]);
      expect(room.players.has(a)).toBe(true);
      const swept = apply(room, { type: "sweep" }, 1000 + GRACE, s);
      expect(swept).toEqual([
        { type: "persist", entries: [{ e: "left", room: "QUIZ", id: a }] },
        { type: "wake", at: 1000 + GRACE + PUBLISH_DELAY },
      ]);
      expect(room.players.has(a)).toBe(false);
      expect(room.tokens.has(nthId(2))).toBe(false);
      expect(room.names.has("p1")).toBe(false);
      // Players are told the leaderboard's line count once the publish is due.
      expect(deltas(apply(room, tick, 1000 + GRACE + PUBLISH_DELAY, s))).toEqual([
        { type: "delta", room: "QUIZ", version: 3, scoreCount: 1 },
      ]);
    });

    test("keeps connected players however long they stay", () => {
      const { room, s } = roomWith([null, null]);
      expect(apply(room, { type: "sweep" }, 10 * GRACE, s)).toEqual([{ type: "wake", at: null }]);
      expect(room.players.size).toBe(2);
    });

    test("keeps a departed player with a place in the round until the round is over", () => {
      const { room, s, ids } = roomWith([null]);
      const a = ids[0] as string;
      apply(room, buzzes(buzz("c1", a, 100)), 100, s);
      apply(room, leaveCmd("c1", a), 200, s);
      apply(room, { type: "sweep" }, 200 + GRACE, s);
      expect(room.players.has(a)).toBe(true);
      apply(room, hostCmd({ type: "reset" }), 300 + GRACE, s);
      const swept = apply(room, { type: "sweep" }, 400 + GRACE, s);
      expect(ofType(swept, "persist")).toEqual([
        { type: "persist", entries: [{ e: "left", room: "QUIZ", id: a }] },
      ]);
      expect(room.players.size).toBe(0);
    });

    test("keeps a player who resumed within the grace", () => {
      const { room, s, ids } = roomWith([null]);
      const a = ids[0] as string;
      apply(room, leaveCmd("c1", a), 1000, s);
      apply(room, joinCmd(room, "c9", { token: nthId(2) }), 1000 + GRACE - 1, s);
      expect(room.players.get(a)?.leftAt).toBeNull();
      apply(room, { type: "sweep" }, 1000 + 2 * GRACE, s);
      expect(room.players.get(a)?.conn).toBe("c9");
    });
  });
});
