import { describe, expect, test } from "bun:test";
import { type Link, MAX_COMPENSATION } from "../../../buzzer/fair.ts";
import type { Entry } from "../../../buzzer/journal.ts";
import { replay } from "../../../buzzer/journal_replay.ts";
import type { GatewayEffect, RoomCommand } from "../../../buzzer/room/commands.ts";
import { MIN_SECRET } from "../../../buzzer/room/opening.ts";
import { OWNER_DEFAULTS, Owner, type OwnerOptions } from "../../../buzzer/room/owner.ts";
import type { Claim } from "../../../buzzer/room/records.ts";
import { addPlayer, newRoom } from "../../../buzzer/room/state.ts";
import { FakeClock } from "../../fake_clock.ts";

const FAST: Link = { rtt: 10, high: 12, jitter: 1 };
const SLOW: Link = { rtt: 80, high: 100, jitter: 5 };
const START = 1000;
/** The resume grace these owners give departed players, in ms (so they sweep every 30 s). */
const GRACE = 60_000;

/** What the owner did, in the order it did it: journal writes and deliveries to the bus. */
type Call = { kind: "journal"; entries: Entry[] } | { kind: "deliver"; effects: GatewayEffect[] };

/** An owner on a FakeClock at START, recording its journal writes, deliveries and warnings. */
function setup(over: Partial<OwnerOptions> = {}) {
  const clock = new FakeClock(START);
  const calls: Call[] = [];
  const warnings: string[] = [];
  let n = 0;
  const owner = new Owner({
    settings: {
      maxWait: 1000,
      maxCompensation: MAX_COMPENSATION,
      mainSecret: "main-secret",
      logging: false,
      newId: () => (++n).toString(16).padStart(8, "0").repeat(4),
      resumeGrace: GRACE,
    },
    clock,
    maxRooms: 2,
    journal: (_room, entries) => void calls.push({ kind: "journal", entries }),
    warn: (line) => warnings.push(line),
    ...over,
  });
  owner.connect((effects) => calls.push({ kind: "deliver", effects }));
  const delivered = () => calls.flatMap((c) => (c.kind === "deliver" ? c.effects : []));
  /** Verdict texts delivered so far, as [conn, text]. */
  const verdicts = () =>
    delivered().flatMap((e): [string, string][] =>
      e.type === "send" && e.msg.type === "verdict" ? [[e.conn, e.msg.text]] : [],
    );
  const errors = () => delivered().flatMap((e) => (e.type === "error" ? [[e.conn, e.code, e.message]] : []));

  /** Joins a player to MAIN on `conn` and returns its id. */
  function join(conn: string, link: Link | null = null, room = "MAIN"): string {
    owner.handle({ type: "join", conn, room, name: conn, link, mayAdd: true, address: "10.0.0.1" });
    const bind = delivered().findLast((e) => e.type === "bind" && e.conn === conn);
    if (bind?.type !== "bind" || !bind.player) throw new Error(`${conn} was not bound as a player`);
    return bind.player;
  }

  /** A buzz command for a press at `press` that arrives now. */
  function buzz(conn: string, player: string, press: number, room = "MAIN"): RoomCommand {
    const arrival = clock.now();
    const claim: Claim = {
      player,
      arrival,
      claimed: press,
      mapped: press,
      press,
      uncertainty: 2,
      offset: 0,
      rtt: null,
      rttHigh: null,
      jitter: null,
      bound: "none",
      allowance: arrival - press,
    };
    return { type: "buzz", conn, room, claim };
  }

  /** A host's join of `room` with `secret` from `address` (which opens the room if it is new). */
  function host(conn: string, room: string, secret: string, address = "10.0.0.1"): void {
    owner.handle({ type: "join", conn, room, secret, link: null, mayAdd: true, address });
  }
  /** Every journal entry written so far, in order. */
  const journaled = () => calls.flatMap((c) => (c.kind === "journal" ? c.entries : []));

  return { owner, clock, calls, warnings, delivered, verdicts, errors, join, buzz, host, journaled };
}

describe("Owner", () => {
  test("starts the default room open", () => {
    const { owner } = setup();
    expect(owner.rooms.get("MAIN")?.round.phase).toBe("open");
  });

  test("decides the buzzes of one event-loop turn in one batch, by press time", () => {
    const { owner, clock, verdicts, calls, join, buzz } = setup();
    const a = join("a");
    const b = join("b");
    const before = calls.length;
    owner.handle(buzz("a", a, START));
    // b's press was 40 ms earlier, though it arrived after a's in the same turn.
    owner.handle(buzz("b", b, START - 40));
    expect(verdicts()).toEqual([]);
    clock.runSoon();
    expect(verdicts()).toEqual([
      ["b", "first place!"],
      ["a", "response time: 0.04 seconds slower!"],
    ]);
    const deliveries = calls.slice(before).filter((c) => c.kind === "deliver");
    expect(deliveries).toHaveLength(1);
  });

  test("decides waiting buzzes before a later command of the same turn", () => {
    const { owner, verdicts, join, buzz } = setup();
    const a = join("a");
    owner.handle(buzz("a", a, START));
    // The host's reset comes after the buzz: the buzz counts in round 1.
    owner.hostKey("MAIN", { type: "reset" });
    expect(verdicts()).toEqual([["a", "first place!"]]);
    expect(owner.rooms.get("MAIN")?.round.number).toBe(2);
  });

  test("answers a repeat of a placed press at once, without waiting for the turn to end", () => {
    const { owner, clock, verdicts, join, buzz } = setup();
    const a = join("a");
    owner.handle(buzz("a", a, START));
    clock.runSoon();
    owner.handle(buzz("a", a, START + 5));
    expect(verdicts()).toEqual([
      ["a", "first place!"],
      ["a", "first place!"],
    ]);
  });

  test("closes the decision window on a timer: nothing before it, the verdict once it passes", () => {
    const { owner, clock, verdicts, join, buzz } = setup();
    const a = join("a", FAST);
    join("b", SLOW);
    owner.handle(buzz("a", a, START - 5));
    clock.runSoon();
    expect(verdicts()).toEqual([]);
    // The window reaches b's uplink allowance (100 + 2 ms) past a's press: it closes at START + 97.
    clock.advance(96);
    expect(verdicts()).toEqual([]);
    clock.advance(1);
    expect(verdicts()).toEqual([["a", "first place!"]]);
  });

  test("keeps one timer per room, at the earliest moment asked for", () => {
    const { owner, clock, join, buzz } = setup();
    // Besides the sweep timer, which always runs.
    const roomTimers = () => clock.pendingTimers - 1;
    const a = join("a", FAST);
    join("b", SLOW);
    owner.handle(buzz("a", a, START - 5));
    clock.runSoon();
    expect(roomTimers()).toBe(1);
    clock.advance(20);
    expect(roomTimers()).toBe(1);
    clock.advance(77);
    expect(roomTimers()).toBe(1);
    clock.advance(20);
    expect(roomTimers()).toBe(0);
  });

  test("opens an armed round on time", () => {
    const { owner, clock, delivered, join, buzz, verdicts } = setup();
    const a = join("a");
    owner.hostKey("MAIN", { type: "lock" });
    owner.hostKey("MAIN", { type: "arm", countdown: 3000 });
    expect(delivered().filter((e) => e.type === "release")).toEqual([
      { type: "release", room: "MAIN", round: 1, at: START + 3000 },
    ]);
    const phases = () =>
      delivered().flatMap((e) => (e.type === "publish" && e.msg.type === "state" ? [e.msg.phase] : []));
    clock.advance(2999);
    expect(owner.rooms.get("MAIN")?.round.phase).toBe("armed");
    expect(phases().at(-1)).toBe("armed");
    clock.advance(1);
    expect(owner.rooms.get("MAIN")?.round.phase).toBe("open");
    expect(phases().at(-1)).toBe("open");
    owner.handle(buzz("a", a, clock.now()));
    clock.runSoon();
    expect(verdicts()).toEqual([["a", "first place!"]]);
  });

  test("writes the journal before it delivers what the entries back", () => {
    const { owner, clock, calls, join, buzz } = setup();
    const a = join("a");
    owner.handle(buzz("a", a, START));
    clock.runSoon();
    const placed = calls.findIndex((c) => c.kind === "journal" && c.entries.some((e) => e.e === "placed"));
    const verdict = calls.findIndex(
      (c) => c.kind === "deliver" && c.effects.some((e) => e.type === "send" && e.msg.type === "verdict"),
    );
    expect(placed).toBeGreaterThanOrEqual(0);
    expect(placed).toBeLessThan(verdict);
    const player = calls.findIndex((c) => c.kind === "journal" && c.entries.some((e) => e.e === "player"));
    const bind = calls.findIndex((c) => c.kind === "deliver" && c.effects.some((e) => e.type === "bind"));
    expect(player).toBeLessThan(bind);
  });

  test("holds a step's effects until a journal that answers later has written its entries", async () => {
    let release = () => {};
    let later = false;
    const { owner, clock, join, buzz, verdicts } = setup({
      journal: () => (later ? new Promise<void>((resolve) => (release = resolve)) : undefined),
    });
    const a = join("a");
    later = true;
    owner.handle(buzz("a", a, START));
    clock.runSoon();
    await Bun.sleep(0);
    expect(verdicts()).toEqual([]);
    release();
    await Bun.sleep(0);
    await Bun.sleep(0);
    expect(verdicts()).toEqual([["a", "first place!"]]);
  });

  test("lets a room go, sending nothing more of it, when its journal refuses a write", async () => {
    const lost: string[] = [];
    const { owner, warnings, delivered } = setup({
      journal: () => Promise.reject(new Error("FENCED another process owns this room")),
      onLost: (room) => lost.push(room),
    });
    owner.hostKey("MAIN", { type: "lock" });
    await Bun.sleep(0);
    await Bun.sleep(0);
    expect(lost).toEqual(["MAIN"]);
    expect(owner.rooms.has("MAIN")).toBe(false);
    expect(delivered()).toEqual([]);
    expect(warnings).toEqual([
      "journal write for room MAIN refused (FENCED another process owns this room): letting it go",
    ]);
  });

  test("reports a failing journal once and still delivers verdicts", () => {
    let writes = 0;
    const { owner, clock, warnings, verdicts, join, buzz } = setup({
      journal: () => {
        writes++;
        throw new Error("disk full");
      },
    });
    const a = join("a");
    const b = join("b");
    owner.handle(buzz("a", a, START - 10));
    owner.handle(buzz("b", b, START));
    clock.runSoon();
    expect(verdicts()).toEqual([
      ["a", "first place!"],
      ["b", "response time: 0.01 seconds slower!"],
    ]);
    expect(warnings).toEqual([
      "journal write failed (disk full): the game goes on, but a restart will not restore it",
    ]);
    expect(writes).toBe(1);
  });

  test("reports a failing fairness log once and goes on", () => {
    const { owner, clock, warnings, verdicts, join, buzz } = setup({
      onRecords: () => {
        throw new Error("read-only");
      },
    });
    const a = join("a");
    const b = join("b");
    owner.handle(buzz("a", a, START - 10));
    owner.handle(buzz("b", b, START));
    clock.runSoon();
    expect(verdicts()).toHaveLength(2);
    expect(warnings).toEqual(["fairness log write failed (read-only): the game goes on without it"]);
  });

  test("runs a restored room's question timer: a deadline that passed while down locks at the first tick", () => {
    /** A room restored from a journal with its round open and the timer's deadline `closesAt`. */
    const restored = (code: string, closesAt: number) => {
      const room = newRoom(code, "quiz-secret", "open");
      room.closesAt = closesAt;
      return room;
    };
    const rooms = new Map([
      ["LATE", restored("LATE", START - 10_000)],
      ["SOON", restored("SOON", START + 500)],
    ]);
    const { owner, clock, journaled } = setup({ rooms });
    const phase = (code: string) => owner.rooms.get(code)?.round.phase;
    expect([phase("LATE"), phase("SOON")]).toEqual(["open", "open"]);
    clock.advance(0);
    expect([phase("LATE"), phase("SOON")]).toEqual(["locked", "open"]);
    clock.advance(499);
    expect(phase("SOON")).toBe("open");
    clock.advance(1);
    expect(phase("SOON")).toBe("locked");
    expect(journaled()).toEqual([
      {
        e: "round",
        room: "LATE",
        number: 1,
        phase: "locked",
        releaseAt: null,
        lockedOut: [],
        lockedBy: "timer",
        lockedAt: 1000,
      },
      {
        e: "round",
        room: "SOON",
        number: 1,
        phase: "locked",
        releaseAt: null,
        lockedOut: [],
        lockedBy: "timer",
        lockedAt: 1500,
      },
    ]);
  });

  test("opens a restored armed round at its release time: one that passed while down opens at the first tick", () => {
    /** A room restored from a journal with its round armed to open at `releaseAt`. */
    const restored = (code: string, releaseAt: number) => {
      const room = newRoom(code, "quiz-secret");
      room.round = { ...room.round, phase: "armed", releaseAt };
      return room;
    };
    const rooms = new Map([
      ["LATE", restored("LATE", START - 1000)],
      ["SOON", restored("SOON", START + 500)],
    ]);
    const { owner, clock } = setup({ rooms });
    const phase = (code: string) => owner.rooms.get(code)?.round.phase;
    clock.advance(0);
    expect([phase("LATE"), phase("SOON")]).toEqual(["open", "armed"]);
    // Opened at its own release time: a press the phone made after GO, while the server was down, counts.
    expect(owner.rooms.get("LATE")?.round.releaseAt).toBe(START - 1000);
    clock.advance(500);
    expect(phase("SOON")).toBe("open");
  });

  test("runs the question timer of a room it adopts from another process", () => {
    const { owner, clock } = setup({ hostsMain: false });
    const room = newRoom("QUIZ", "quiz-secret", "open");
    room.closesAt = START + 300;
    owner.adopt("QUIZ", room);
    clock.advance(299);
    expect(room.round.phase).toBe("open");
    clock.advance(1);
    expect(room.round.phase).toBe("locked");
  });

  // Its own gateway binds its connections again at once; another process's gateway hears of the
  // takeover over the bus and binds its own a moment later, with their links.
  test("waits for the other gateways after taking a room over: a press of theirs is not overtaken", () => {
    const { owner, clock, verdicts, buzz } = setup({ hostsMain: false });
    const room = newRoom("QUIZ", "quiz-secret", "open");
    for (const id of ["a", "b"])
      addPlayer(room, {
        id,
        name: id.toUpperCase(),
        token: `t-${id}`,
        plain: false,
        conn: null,
        link: null,
        leftAt: null,
      });
    owner.adopt("QUIZ", room);
    owner.handle({ type: "rebind", conn: "a.1", room: "QUIZ", player: "a" });
    owner.handle({ type: "link", conn: "a.1", room: "QUIZ", player: "a", link: FAST });
    clock.advance(2);
    owner.handle(buzz("a.1", "a", START, "QUIZ"));
    clock.advance(30);
    expect(verdicts()).toEqual([]);
    owner.handle({ type: "rebind", conn: "b.1", room: "QUIZ", player: "b" });
    owner.handle({ type: "link", conn: "b.1", room: "QUIZ", player: "b", link: SLOW });
    clock.advance(40);
    owner.handle(buzz("b.1", "b", START - 50, "QUIZ"));
    clock.advance(1000);
    expect(verdicts()).toEqual([
      ["b.1", "first place!"],
      ["a.1", "response time: 0.05 seconds slower!"],
    ]);
    // The wait lasts a second: by then every gateway has bound its connections again.
    expect(room.prospects.size).toBe(0);
  });

  test("journals the default room it takes on new, so the next owner restores its players and places", () => {
    const { owner, clock, join, buzz, journaled } = setup({ hostsMain: false });
    owner.adopt("MAIN");
    const a = join("a");
    owner.handle(buzz("a", a, START));
    clock.runSoon();
    clock.advance(1000);
    const main = replay(journaled(), 0).get("MAIN");
    expect(main?.secret).toBe("main-secret");
    expect([...(main?.players.keys() ?? [])]).toEqual([a]);
    expect(main?.round.placed.map((p) => [p.player, p.place])).toEqual([[a, 1]]);
  });

  test("detach stops every timer: advancing afterwards delivers nothing", () => {
    const { owner, clock, calls, join, buzz } = setup();
    const a = join("a", FAST);
    join("b", SLOW);
    owner.handle(buzz("a", a, START - 5));
    clock.runSoon();
    owner.detach();
    const before = calls.length;
    clock.advance(5000);
    expect(calls.length).toBe(before);
    expect(clock.pendingTimers).toBe(0);
  });

  test("detach stops buzzes waiting for the end of the turn from setting a timer", () => {
    const { owner, clock, calls, join, buzz } = setup();
    const a = join("a", FAST);
    join("b", SLOW);
    owner.handle(buzz("a", a, START - 5));
    owner.detach();
    const before = calls.length;
    clock.runSoon();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(5000);
    expect(calls.slice(before).filter((c) => c.kind === "deliver")).toEqual([]);
  });

  test("ignores commands for rooms it does not hold", () => {
    const { owner, calls } = setup();
    owner.handle({ type: "leave", conn: "c1", room: "QUIZ", player: "p" });
    owner.handle({ type: "sync", conn: "c1", room: "QUIZ", player: null });
    owner.hostKey("QUIZ", { type: "reset" });
    expect(calls).toEqual([]);
  });
});

describe("Owner rooms", () => {
  test("refuses to join an unknown room without a secret with NO_SUCH_ROOM", () => {
    const { owner, errors, calls } = setup();
    owner.handle({ type: "join", conn: "c1", room: "QUIZ", link: null, mayAdd: true, address: "10.0.0.1" });
    expect(errors()).toEqual([["c1", "NO_SUCH_ROOM", "no room QUIZ (a host opens it first)"]]);
    expect(owner.rooms.has("QUIZ")).toBe(false);
    expect(calls.filter((c) => c.kind === "journal")).toEqual([]);
  });

  test("opens a room for a host with a new secret, journaling it first", () => {
    const { owner, calls, delivered, host } = setup();
    host("h", "QUIZ", "quiz-secret", "10.0.0.7");
    expect(owner.rooms.get("QUIZ")).toMatchObject({
      round: { phase: "locked" },
      openedBy: "10.0.0.7",
      activeAt: START,
      watchers: new Set(["h"]),
    });
    expect(calls[0]).toEqual({
      kind: "journal",
      entries: [
        { e: "room", room: "QUIZ", secret: "quiz-secret" },
        { e: "round", room: "QUIZ", number: 1, phase: "locked", releaseAt: null, lockedOut: [] },
      ],
    });
    expect(delivered().find((e) => e.type === "bind")).toMatchObject({ conn: "h", host: true });
  });

  test("refuses a room beyond maxRooms with TOO_MANY_ROOMS", () => {
    const { owner, errors, host } = setup();
    host("h1", "QUIZ", "quiz-secret");
    host("h2", "OTHER", "other-secret", "10.0.0.2");
    expect(errors()).toEqual([["h2", "TOO_MANY_ROOMS", "no more rooms can be opened"]]);
    expect(owner.rooms.has("OTHER")).toBe(false);
  });

  test(`refuses a new room whose secret is shorter than MIN_SECRET (${MIN_SECRET}) with BAD_SECRET`, () => {
    const { owner, errors, host, journaled } = setup();
    expect(MIN_SECRET).toBe(8);
    host("h1", "QUIZ", "1234567");
    expect(errors()).toEqual([["h1", "BAD_SECRET", "a new room's secret needs at least 8 characters"]]);
    expect(owner.rooms.has("QUIZ")).toBe(false);
    expect(journaled()).toEqual([]);
    host("h2", "QUIZ", "12345678");
    expect(owner.rooms.get("QUIZ")?.secret).toBe("12345678");
  });

  test("lets one address hold roomsPerAddress rooms; another address may open more", () => {
    const { owner, errors, host } = setup({ maxRooms: 10, roomsPerAddress: 2 });
    host("h1", "R1", "secret-one", "10.0.0.1");
    host("h2", "R2", "secret-two", "10.0.0.1");
    host("h3", "R3", "secret-three", "10.0.0.1");
    expect(errors()).toEqual([
      ["h3", "TOO_MANY_ROOMS", "your address holds 2 rooms already: they close when idle"],
    ]);
    // Joining a room that is open already opens nothing: it is not counted.
    host("h4", "R1", "secret-one", "10.0.0.1");
    host("h5", "R3", "secret-three", "10.0.0.2");
    expect(errors()).toHaveLength(1);
    expect([...owner.rooms.keys()]).toEqual(["MAIN", "R1", "R2", "R3"]);
  });

  test("lets one address hold 20 rooms by default", () => {
    const { owner, errors, host } = setup({ maxRooms: 30 });
    expect(OWNER_DEFAULTS.roomsPerAddress).toBe(20);
    for (let i = 1; i <= 21; i++) host(`h${i}`, `R${i}`, "a-long-secret");
    expect(errors()).toEqual([
      ["h21", "TOO_MANY_ROOMS", "your address holds 20 rooms already: they close when idle"],
    ]);
    expect(owner.rooms.size).toBe(21);
  });

  test("with privateRooms, opens new rooms only with the server's secret", () => {
    const { owner, errors, host, journaled } = setup({ privateRooms: true });
    host("h1", "QUIZ", "quiz-secret");
    expect(errors()).toEqual([["h1", "BAD_SECRET", "only the server's secret opens new rooms here"]]);
    expect(journaled()).toEqual([]);
    host("h2", "QUIZ", "main-secret");
    expect(owner.rooms.get("QUIZ")?.secret).toBe("main-secret");
    expect(journaled()[0]).toEqual({ e: "room", room: "QUIZ", secret: "main-secret" });
  });
});

describe("Owner sweep", () => {
  test("forgets a departed player once the resume grace has passed, on the next sweep", () => {
    const { owner, clock, join, journaled } = setup();
    const a = join("a");
    clock.advance(1000);
    owner.handle({ type: "leave", conn: "a", room: "MAIN", player: a });
    // Sweeps run every GRACE / 2: at 30 s and 60 s the player is within its grace (it left at 1 s).
    clock.advance(90_000 - 1000 - 1);
    expect(owner.rooms.get("MAIN")?.players.has(a)).toBe(true);
    clock.advance(1);
    expect(owner.rooms.get("MAIN")?.players.has(a)).toBe(false);
    expect(journaled().filter((e) => e.e === "left")).toEqual([{ e: "left", room: "MAIN", id: a }]);
  });

  test("forgets a restored player who never comes back, once the resume grace from the restart has passed", () => {
    const room = newRoom("MAIN", "quiz-secret", "open");
    const back = { name: "Back", plain: false, conn: null, link: null, leftAt: null, address: "10.0.0.1" };
    const a = addPlayer(room, { ...back, id: "aaaaaaaa", token: "a".repeat(32) });
    const { owner, clock } = setup({ rooms: new Map([["MAIN", room]]) });
    // Restored at START: the sweep at 30 s finds it within its grace, the one at 60 s forgets it.
    clock.advance(60_000 - 1);
    expect(owner.rooms.get("MAIN")?.players.has(a.id)).toBe(true);
    clock.advance(1);
    expect(owner.rooms.get("MAIN")?.players.has(a.id)).toBe(false);
  });

  test("sweeps every sweepEvery ms when told", () => {
    const { owner, clock, join } = setup({ sweepEvery: 5000 });
    const a = join("a");
    clock.advance(1000);
    owner.handle({ type: "leave", conn: "a", room: "MAIN", player: a });
    // Left at 1 s: its grace ends at 61 s, and the sweep after it runs at 65 s.
    clock.advance(64_000 - 1);
    expect(owner.rooms.get("MAIN")?.players.has(a)).toBe(true);
    clock.advance(1);
    expect(owner.rooms.get("MAIN")?.players.has(a)).toBe(false);
  });

  test("closes a room that stood empty and idle for roomIdle, journaling its close", () => {
    const lines: string[] = [];
    const { owner, clock, host, journaled, join, errors } = setup({
      roomIdle: 120_000,
      sweepEvery: 60_000,
      roomsPerAddress: 1,
      log: (line) => lines.push(line),
    });
    host("h", "QUIZ", "quiz-secret");
    clock.advance(1000);
    owner.handle({ type: "leave", conn: "h", room: "QUIZ", player: null });
    // Sweeps at 60 s and 120 s find it idle for 59 s and 119 s; the one at 180 s closes it.
    clock.advance(180_000 - 1000 - 1);
    expect(owner.rooms.has("QUIZ")).toBe(true);
    clock.advance(1);
    expect(owner.rooms.has("QUIZ")).toBe(false);
    expect(journaled().at(-1)).toEqual({ e: "close", room: "QUIZ" });
    expect(lines).toEqual(["Room QUIZ opened", "Room QUIZ closed (idle)"]);
    expect(() => join("p", null, "QUIZ")).toThrow();
    expect(errors().at(-1)).toEqual(["p", "NO_SUCH_ROOM", "no room QUIZ (a host opens it first)"]);
    // Its address may open another.
    host("h2", "NEXT", "next-secret");
    expect(owner.rooms.has("NEXT")).toBe(true);
  });

  test("keeps a room with a host or viewer in it, and the default room, however idle", () => {
    const { owner, clock, host } = setup({ maxRooms: 3, roomIdle: 1000, sweepEvery: 1000 });
    host("h", "QUIZ", "quiz-secret");
    owner.handle({
      type: "join",
      conn: "v",
      room: "QUIZ",
      watch: true,
      link: null,
      mayAdd: true,
      address: "",
    });
    owner.handle({ type: "leave", conn: "h", room: "QUIZ", player: null });
    clock.advance(10_000);
    expect([...owner.rooms.keys()]).toEqual(["MAIN", "QUIZ"]);
    owner.handle({ type: "leave", conn: "v", room: "QUIZ", player: null });
    clock.advance(2000);
    expect([...owner.rooms.keys()]).toEqual(["MAIN"]);
  });

  test("keeps a room with a connected player", () => {
    const { owner, clock, host, join } = setup({ roomIdle: 1000, sweepEvery: 1000 });
    host("h", "QUIZ", "quiz-secret");
    join("p", null, "QUIZ");
    owner.handle({ type: "leave", conn: "h", room: "QUIZ", player: null });
    clock.advance(10_000);
    expect(owner.rooms.has("QUIZ")).toBe(true);
  });
});
