import { describe, expect, test } from "bun:test";
import { snapshot } from "../../../buzzer/journal.ts";
import { replay } from "../../../buzzer/journal_replay.ts";
import { DEFAULT_RULES } from "../../../buzzer/protocol.ts";
import { PUBLISH_DELAY } from "../../../buzzer/room/effects.ts";
import { apply } from "../../../buzzer/room/engine.ts";
import { NEXT_TWIN_MS } from "../../../buzzer/room/host.ts";
import { rulesLine } from "../../../buzzer/room/rules.ts";
import type { Room } from "../../../buzzer/room/state.ts";
import {
  buzz,
  buzzes,
  deltas,
  errors,
  FAST,
  hostCmd,
  joinCmd,
  leaveCmd,
  ofType,
  roomWith,
  sentTo,
  settings,
  staffStates,
  tick,
  verdicts,
  wakeAt,
} from "./engine_support.ts";

const logged = (effects: ReturnType<typeof apply>) => ofType(effects, "log").map((l) => l.line);

describe("rules", () => {
  test("rules merges what the host gives into the room's rules, journals them and shows hosts and viewers", () => {
    const { room, s } = roomWith([null]);
    const effects = apply(room, hostCmd({ type: "rules", rules: { autoLock: 1, falseStart: -1 } }), 10, {
      ...s,
      logging: true,
    });
    const rules = { ...DEFAULT_RULES, autoLock: 1, falseStart: -1 };
    expect(ofType(effects, "persist")).toEqual([
      { type: "persist", entries: [{ e: "rules", room: "QUIZ", rules }] },
    ]);
    expect(staffStates(effects)[0]?.rules).toEqual(rules);
    // Players are not shown the rules.
    expect(deltas(effects)).toEqual([]);
    expect(logged(effects)).toEqual([
      "[QUIZ] Rules: auto-lock after 1, no timer, right +1, wrong 0, false start -1, every buzz",
    ]);
  });

  test("rulesLine says every rule in words", () => {
    expect(
      rulesLine({ autoLock: 2, timer: 30_000, right: 2, wrong: -1, falseStart: 0, teamFirst: true }),
    ).toBe("auto-lock after 2, timer 30s, right +2, wrong -1, false start 0, first buzz per team");
  });

  test("autoLock locks the round once N places are final: a later press is too late, locked out at no cost, as after a host's lock", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const [a, b, c] = ids as [string, string, string];
    apply(room, hostCmd({ type: "rules", rules: { autoLock: 2, falseStart: -5 } }), 10, s);
    apply(room, buzzes(buzz("c1", a, 100)), 100, s);
    expect(room.round.phase).toBe("open");
    const second = apply(room, buzzes(buzz("c2", b, 200)), 200, { ...s, logging: true });
    expect(room.round.phase).toBe("locked");
    expect(ofType(second, "persist").flatMap((p) => p.entries)).toContainEqual({
      e: "round",
      room: "QUIZ",
      number: 1,
      phase: "locked",
      releaseAt: null,
      lockedOut: [],
      lockedBy: "autoLock",
      lockedAt: 200,
    });
    expect(logged(second)).toEqual(["[QUIZ] 2. P2 +0.10s", "[QUIZ] Round 1: locked (2 buzzes in)"]);
    const published = apply(room, tick, 200 + PUBLISH_DELAY, s);
    expect(deltas(published)[0]).toMatchObject({ phase: "locked" });
    expect(deltas(published)[0]?.order?.map((p) => p.place)).toEqual([1, 2]);
    const late = apply(room, buzzes(buzz("c3", c, 250)), 250, s);
    expect(errors(late)).toEqual([
      {
        conn: "c3",
        code: "FALSE_START",
        message: "too late: the round had closed, so you are locked out of it",
        falseStart: "late",
      },
    ]);
    // Slow, not early: locked out of the round, but not charged the false start's points.
    expect(room.round.lockedOut).toContain(c);
    expect(room.players.get(c)?.points).toBe(0);
  });

  // Auto-lock locks at the moment the places are final; presses made before it, on slower links,
  // reach the server after it. Made while the round was open, they are no false starts.
  test("autoLock places a press made before it locked, refuses one that may have been made after with ROUND_OVER, and penalizes none", () => {
    const { room, s, ids } = roomWith([null, null, null, null]);
    const [a, b, c, d] = ids as [string, string, string, string];
    apply(room, hostCmd({ type: "rules", rules: { autoLock: 1, falseStart: -5 } }), 10, s);
    apply(room, buzzes(buzz("c1", a, 100)), 100, s);
    expect(room.round.phase).toBe("locked");
    expect(room.round.lockedAt).toBe(100);
    const before = apply(room, buzzes(buzz("c2", b, 99, 160)), 160, s);
    expect(verdicts(before)).toEqual([["c2", "response time: 0.00 seconds slower!"]]);
    const unsure = apply(room, buzzes(buzz("c3", c, 101, 160)), 160, s);
    expect(errors(unsure)).toEqual([
      {
        conn: "c3",
        code: "ROUND_OVER",
        message: "the round was locked before that press reached the server: it takes no place",
      },
    ]);
    expect(room.round.lockedOut).toEqual([]);
    expect([b, c].map((id) => room.players.get(id)?.points)).toEqual([0, 0]);
    // One made after the lock, beyond its uncertainty (2 ms), is locked out as too late, at no cost.
    expect(errors(apply(room, buzzes(buzz("c4", d, 110, 160)), 160, s))[0]?.code).toBe("FALSE_START");
    expect(room.round.lockedOut).toEqual([d]);
    expect(room.players.get(d)?.points).toBe(0);
  });

  // A false start heard after the round closed was still made before its release: it was early.
  test("words a countdown's false start heard after the host's lock as too early, not too late", () => {
    const { room, s, ids } = roomWith([FAST], "locked");
    const [a] = ids as [string];
    apply(room, hostCmd({ type: "arm", countdown: 100 }), 900, s);
    apply(room, tick, 1000, s);
    apply(room, hostCmd({ type: "lock" }), 1010, s);
    const early = apply(room, buzzes(buzz("c1", a, 940, 1020, 20)), 1020, s);
    expect(errors(early)).toEqual([
      {
        conn: "c1",
        code: "FALSE_START",
        message: "too early: you are locked out of this round",
        falseStart: "early",
      },
    ]);
    expect(room.late.has(a)).toBe(false);
  });

  test("timer locks an opened round timer ms later, and views say when", () => {
    const { room, s } = roomWith([null]);
    apply(room, hostCmd({ type: "lock" }), 5, s);
    apply(room, hostCmd({ type: "rules", rules: { timer: 10_000 } }), 10, s);
    const opened = apply(room, hostCmd({ type: "arm" }), 1000, s);
    expect(room.closesAt).toBe(11_000);
    expect(wakeAt(opened)).toBe(11_000);
    // Journaled with the round, so a restart keeps the deadline.
    expect(ofType(opened, "persist").flatMap((p) => p.entries)).toEqual([
      {
        e: "round",
        room: "QUIZ",
        number: 1,
        phase: "open",
        releaseAt: 1000,
        lockedOut: [],
        closesAt: 11_000,
      },
    ]);
    expect(deltas(opened)).toEqual([
      { type: "delta", room: "QUIZ", version: 3, phase: "open", closesIn: 10_000 },
    ]);
    const synced = apply(
      room,
      { type: "sync", conn: "c1", room: "QUIZ", player: room.players.keys().next().value as string },
      4000,
      s,
    );
    expect(sentTo(synced, "c1")[0]).toMatchObject({ phase: "open", closesIn: 7000 });
    expect(room.round.phase).toBe("open");
    apply(room, tick, 10_999 - 1, s);
    expect(room.round.phase).toBe("open");
    const up = apply(room, tick, 11_000, { ...s, logging: true });
    expect(room.round.phase).toBe("locked");
    expect(room.closesAt).toBeNull();
    expect(logged(up)).toEqual(["[QUIZ] Round 1: locked (time is up)"]);
    expect(ofType(up, "persist").flatMap((p) => p.entries)).toEqual([
      {
        e: "round",
        room: "QUIZ",
        number: 1,
        phase: "locked",
        releaseAt: 1000,
        lockedOut: [],
        lockedBy: "timer",
        lockedAt: 11_000,
      },
    ]);
    expect(deltas(up)).toEqual([{ type: "delta", room: "QUIZ", version: 4, phase: "locked" }]);
    expect(staffStates(up)[0]?.closesIn).toBeUndefined();
    expect(wakeAt(up)).toBeNull();
  });

  test("timer starts at an armed round's release, not at the countdown", () => {
    const { room, s } = roomWith([null], "locked");
    apply(room, hostCmd({ type: "rules", rules: { timer: 5000 } }), 10, s);
    apply(room, hostCmd({ type: "arm", countdown: 3000 }), 1000, s);
    expect(room.closesAt).toBeNull();
    const released = apply(room, tick, 4000, s);
    expect(room.closesAt).toBe(9000);
    expect(ofType(released, "persist").flatMap((p) => p.entries)).toEqual([
      { e: "round", room: "QUIZ", number: 1, phase: "open", releaseAt: 4000, lockedOut: [], closesAt: 9000 },
    ]);
    expect(deltas(released)).toEqual([
      { type: "delta", room: "QUIZ", version: 3, phase: "open", closesIn: 5000 },
    ]);
    apply(room, tick, 9000, s);
    expect(room.round.phase).toBe("locked");
  });

  test("hosts and viewers are told what locked the open round, in every view and a late viewer's snapshot", () => {
    const { room, s } = roomWith([null], "locked");
    const lockedBy = (effects: ReturnType<typeof apply>) => {
      const [state] = staffStates(effects);
      expect(state).toBeDefined();
      return state?.lockedBy ?? "nothing";
    };
    const viewer = (conn: string, now: number) =>
      sentTo(apply(room, joinCmd(room, conn, { watch: true }), now, s), conn).find((m) => m.type === "state");
    // A round not opened yet, and an armed one locked before its release, were locked by no one.
    expect(lockedBy(apply(room, hostCmd({ type: "arm", countdown: 3000 }), 10, s))).toBe("nothing");
    expect(lockedBy(apply(room, hostCmd({ type: "lock" }), 20, s))).toBe("nothing");
    expect(viewer("v1", 30)).not.toHaveProperty("lockedBy");
    apply(room, hostCmd({ type: "arm" }), 100, s);
    expect(lockedBy(apply(room, hostCmd({ type: "lock" }), 200, s))).toBe("host");
    expect(viewer("v2", 210)).toMatchObject({ phase: "locked", lockedBy: "host" });
    // Opened again, then locked by its timer: the timer's, until the round changes.
    apply(room, hostCmd({ type: "rules", rules: { timer: 1000 } }), 300, s);
    expect(lockedBy(apply(room, hostCmd({ type: "arm" }), 400, s))).toBe("nothing");
    expect(lockedBy(apply(room, tick, 1400, s))).toBe("timer");
    expect(lockedBy(apply(room, hostCmd({ type: "lock" }), 1500, s))).toBe("timer");
    expect(viewer("v3", 1600)).toMatchObject({ phase: "locked", lockedBy: "timer" });
    expect(lockedBy(apply(room, hostCmd({ type: "reset" }), 1700, s))).toBe("nothing");
    // Players are not told: their page has a face of its own for a locked round.
    apply(room, hostCmd({ type: "rules", rules: { timer: 0, autoLock: 1 } }), 1800, s);
    apply(room, hostCmd({ type: "arm" }), 1900, s);
    const first = room.players.keys().next().value as string;
    apply(room, buzzes(buzz("c1", first, 2000)), 2000, s);
    const published = apply(room, tick, 2000 + PUBLISH_DELAY, s);
    expect(room.lockedBy).toBe("autoLock");
    expect(lockedBy(published)).toBe("autoLock");
    expect(deltas(published)[0]).not.toHaveProperty("lockedBy");
  });

  test("next starts a new round and opens it at once, in one delta", () => {
    const { room, s, ids } = roomWith([null]);
    apply(room, buzzes(buzz("c1", ids[0] as string, 100)), 100, s);
    apply(room, tick, 100 + PUBLISH_DELAY, s);
    const effects = apply(room, hostCmd({ type: "next" }), 500, { ...s, logging: true });
    expect(room.round).toMatchObject({ number: 2, phase: "open", releaseAt: 500, placed: [] });
    expect(deltas(effects)).toEqual([{ type: "delta", room: "QUIZ", version: 3, round: 2, phase: "open" }]);
    expect(ofType(effects, "persist").flatMap((p) => p.entries)).toEqual([
      { e: "round", room: "QUIZ", number: 2, phase: "open", releaseAt: 500, lockedOut: [], startedAt: 500 },
    ]);
    expect(logged(effects)).toEqual(["[QUIZ] Round 2: open"]);
  });

  test("next in a room that has not played yet opens its first round instead of starting a second", () => {
    const { room, s } = roomWith([null], "locked");
    apply(room, hostCmd({ type: "next" }), 500, s);
    expect(room.round).toMatchObject({ number: 1, phase: "open", releaseAt: 500 });
  });

  test("a double next on a room's first question opens round 1 once: the second click, sent from the unplayed round, changes nothing and its buzz stays", () => {
    const { room, s, ids } = roomWith([null], "locked");
    const [id] = ids as [string];
    // The console is told round 1 is unplayed, and names it so in both clicks.
    const view = staffStates(apply(room, hostCmd({ type: "rules", rules: {} }), 10, s))[0];
    expect(view).toMatchObject({ round: 1, phase: "locked", unplayed: true });
    const next = { type: "next", round: 1, unplayed: true } as const;
    const opened = apply(room, hostCmd(next), 500, s);
    expect(room.round).toMatchObject({ number: 1, phase: "open", releaseAt: 500 });
    expect(staffStates(opened)[0]).not.toHaveProperty("unplayed");
    apply(room, buzzes(buzz("c1", id, 600)), 600, s);
    apply(room, tick, 600 + PUBLISH_DELAY, s);
    const changes = (effects: ReturnType<typeof apply>) => effects.filter((e) => e.type !== "wake");
    expect(changes(apply(room, hostCmd(next), 700, s))).toEqual([]);
    expect(room.round).toMatchObject({ number: 1, phase: "open", placed: [{ player: id }] });
    // So is one from a console that saw round 1 open, a moment later: the same double click.
    expect(changes(apply(room, hostCmd({ type: "next", round: 1 }), 800, s))).toEqual([]);
    // A moment on, next goes on to round 2, then 3: no number is skipped.
    apply(room, hostCmd({ type: "next", round: 1 }), 500 + NEXT_TWIN_MS, s);
    expect(room.round).toMatchObject({ number: 2, phase: "open", placed: [] });
    apply(room, hostCmd({ type: "next", round: 2 }), 500 + 2 * NEXT_TWIN_MS, s);
    expect(room.round.number).toBe(3);
  });

  test("a second next within NEXT_TWIN_MS of the one that started the round is its twin: the question and its first place stay", () => {
    const { room, s, ids } = roomWith([null], "locked");
    const [id] = ids as [string];
    apply(room, hostCmd({ type: "arm" }), 10, s);
    apply(room, hostCmd({ type: "next", round: 1 }), 1000, s);
    expect(room.round).toMatchObject({ number: 2, phase: "open", startedAt: 1000 });
    // The player presses 60 ms after the click; the console shows round 2, and the second click names it.
    apply(room, buzzes(buzz("c1", id, 1060)), 1060, s);
    apply(room, tick, 1060 + PUBLISH_DELAY, s);
    const changes = (effects: ReturnType<typeof apply>) => effects.filter((e) => e.type !== "wake");
    expect(changes(apply(room, hostCmd({ type: "next", round: 2 }), 1150, s))).toEqual([]);
    expect(room.round).toMatchObject({ number: 2, placed: [{ player: id }] });
    // A click from the round before is over already (as ever), and a next a second on is a new question.
    expect(changes(apply(room, hostCmd({ type: "next", round: 1 }), 1200, s))).toEqual([]);
    apply(room, hostCmd({ type: "next", round: 2 }), 1000 + NEXT_TWIN_MS, s);
    expect(room.round).toMatchObject({ number: 3, phase: "open", placed: [] });
  });

  test("after New round, a double click on Next opens the round once: the second click names the round the first opened", () => {
    const { room, s, ids } = roomWith([null], "locked", settings({ logging: true }));
    const [id] = ids as [string];
    apply(room, hostCmd({ type: "arm" }), 10, s);
    apply(room, hostCmd({ type: "reset" }), 1000, s);
    apply(room, hostCmd({ type: "next", round: 2, unplayed: true }), 5000, s);
    expect(room.round).toMatchObject({ number: 2, phase: "open" });
    apply(room, buzzes(buzz("c1", id, 5060)), 5060, s);
    apply(room, tick, 5060 + PUBLISH_DELAY, s);
    expect(logged(apply(room, hostCmd({ type: "next", round: 2 }), 5150, s))).toEqual([
      "[QUIZ] Round 2: a second Next at once, taken for the first",
    ]);
    expect(room.round).toMatchObject({ number: 2, placed: [{ player: id }] });
    // New round, Open, then Next at once are three clicks: only a next's twin is taken for it.
    apply(room, hostCmd({ type: "reset", round: 2 }), 7000, s);
    apply(room, hostCmd({ type: "arm", round: 3 }), 7100, s);
    apply(room, hostCmd({ type: "next", round: 3 }), 7300, s);
    expect(room.round).toMatchObject({ number: 4, phase: "open" });
    // An older client names no round: its next is done as ever.
    apply(room, hostCmd({ type: "next" }), 7400, s);
    expect(room.round).toMatchObject({ number: 5, phase: "open" });
  });

  test("a second countdown while armed keeps the release players count to, and tells no one a new one", () => {
    const { room, s } = roomWith([null], "locked");
    const first = apply(room, hostCmd({ type: "arm", countdown: 3000 }), 10, s);
    expect(ofType(first, "release")).toEqual([{ type: "release", room: "QUIZ", round: 1, at: 3010 }]);
    const second = apply(room, hostCmd({ type: "arm", countdown: 3000 }), 200, s);
    expect(ofType(second, "release")).toEqual([]);
    expect(room.round).toMatchObject({ phase: "armed", releaseAt: 3010 });
    // Open, once the countdown has ended but before its tick ran: open since its release, as it is.
    apply(room, hostCmd({ type: "rules", rules: { timer: 5000 } }), 300, s);
    apply(room, hostCmd({ type: "arm" }), 3050, s);
    expect(room.round).toMatchObject({ phase: "open", releaseAt: 3010 });
    expect(room.closesAt).toBe(3010 + 5000);
  });

  test("a next sent from the unplayed round changes nothing once another console opened it", () => {
    const { room, s } = roomWith([null], "locked");
    apply(room, hostCmd({ type: "arm", countdown: 3000 }), 10, s);
    apply(room, hostCmd({ type: "next", round: 1, unplayed: true }), 20, s);
    expect(room.round).toMatchObject({ number: 1, phase: "armed", releaseAt: 3010 });
  });

  test("a next sent from the unplayed round still starts the first question after a false start in it (nothing opened it)", () => {
    const { room, s, ids } = roomWith([null], "locked");
    apply(room, buzzes(buzz("c1", ids[0] as string, 100)), 100, s);
    expect(room.round.lockedOut).toEqual([ids[0] as string]);
    apply(room, hostCmd({ type: "next", round: 1, unplayed: true }), 500, s);
    expect(room.round).toMatchObject({ number: 2, phase: "open", lockedOut: [] });
  });

  test("next after a restart starts a second round when the first was opened and locked, though no one buzzed", () => {
    const { room, s } = roomWith([null], "locked");
    apply(room, hostCmd({ type: "rules", rules: { timer: 1000 } }), 10, s);
    apply(room, hostCmd({ type: "arm" }), 100, s);
    apply(room, tick, 1100, s);
    const restored = replay(snapshot([room], 0), 0).get("QUIZ") as Room;
    expect(restored.lockedBy).toBe("timer");
    apply(restored, hostCmd({ type: "next" }), 2000, s);
    expect(restored.round).toMatchObject({ number: 2, phase: "open", releaseAt: 2000 });
  });

  test("next with a countdown arms the new round, with a release for the gateways", () => {
    const { room, s } = roomWith([null]);
    const effects = apply(room, hostCmd({ type: "next", countdown: 3000 }), 500, s);
    expect(room.round).toMatchObject({ number: 2, phase: "armed", releaseAt: 3500 });
    expect(ofType(effects, "release")).toEqual([{ type: "release", room: "QUIZ", round: 2, at: 3500 }]);
  });

  test("next and reset naming a round the room has left change nothing: a double click or a second console starts one round", () => {
    const { room, s, ids } = roomWith([null]);
    apply(room, hostCmd({ type: "next", round: 1 }), 500, s);
    expect(room.round).toMatchObject({ number: 2, phase: "open", releaseAt: 500 });
    apply(room, buzzes(buzz("c1", ids[0] as string, 600)), 600, s);
    apply(room, tick, 600 + PUBLISH_DELAY, s);
    // The second press of the same Next: the buzz in the new round stays; nothing is journaled or sent.
    const changes = (effects: ReturnType<typeof apply>) => effects.filter((e) => e.type !== "wake");
    expect(changes(apply(room, hostCmd({ type: "next", round: 1 }), 700, s))).toEqual([]);
    expect(room.round).toMatchObject({ number: 2, phase: "open", placed: [{ player: ids[0] }] });
    expect(changes(apply(room, hostCmd({ type: "reset", round: 1 }), 800, s))).toEqual([]);
    expect(room.round.number).toBe(2);
    // Named from the round the room is in, they go on as ever.
    apply(room, hostCmd({ type: "reset", round: 2 }), 900, s);
    expect(room.round).toMatchObject({ number: 3, phase: "locked", placed: [] });
    apply(room, hostCmd({ type: "arm" }), 1000, s);
    apply(room, hostCmd({ type: "next", round: 3, countdown: 3000 }), 900 + NEXT_TWIN_MS, s);
    expect(room.round).toMatchObject({ number: 4, phase: "armed", releaseAt: 900 + NEXT_TWIN_MS + 3000 });
  });

  test("teamFirst places a team's earliest press and tells a later teammate who buzzed for the team", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const [a, b, c] = ids as [string, string, string];
    for (const [id, team] of [
      [a, "Red"],
      [b, "Red"],
      [c, "Blue"],
    ] as const)
      apply(room, hostCmd({ type: "team", player: id, team }), 1, s);
    apply(room, hostCmd({ type: "rules", rules: { teamFirst: true } }), 2, s);
    // P2 pressed first, but its buzz arrived after P1's.
    const effects = apply(
      room,
      buzzes(buzz("c1", a, 120, 121), buzz("c2", b, 110, 130), buzz("c3", c, 125)),
      130,
      s,
    );
    expect(verdicts(effects)).toEqual([
      ["c2", "first place!"],
      ["c3", "response time: 0.02 seconds slower!"],
    ]);
    expect(errors(effects)).toEqual([
      { conn: "c1", code: "TEAM_ANSWERED", message: "P2 buzzed first for team Red" },
    ]);
    const again = apply(room, buzzes(buzz("c1", a, 200)), 200, s);
    expect(errors(again)).toEqual([
      { conn: "c1", code: "TEAM_ANSWERED", message: "P2 buzzed first for team Red" },
    ]);
  });

  test("hosted says whether a host, not a viewer, is connected", () => {
    const { room, s } = roomWith([null]);
    apply(room, joinCmd(room, "v", { watch: true }), 10, s);
    expect(deltas(apply(room, tick, 10 + PUBLISH_DELAY, s))).toEqual([]);
    const host = apply(room, joinCmd(room, "h1", { secret: "quiz-secret" }), 100, s);
    expect(sentTo(host, "h1")[1]).toMatchObject({ type: "state", hosted: true });
    expect(deltas(apply(room, tick, 100 + PUBLISH_DELAY, s))).toEqual([
      { type: "delta", room: "QUIZ", version: 2, hosted: true },
    ]);
    apply(room, leaveCmd("h1", null), 200, s);
    expect(deltas(apply(room, tick, 200 + PUBLISH_DELAY, s))).toEqual([
      { type: "delta", room: "QUIZ", version: 3, hosted: false },
    ]);
    // A host's connection that stayed open through a takeover counts again.
    apply(room, { type: "rebind", conn: "h2", room: "QUIZ", player: null, host: true }, 300, s);
    expect(room.hosts.has("h2")).toBe(true);
  });

  test("the server's own terminal counts as a host while it runs the room by keys", () => {
    const { room, s, ids } = roomWith([null]);
    const on = apply(room, { type: "terminal", room: "QUIZ", on: true }, 100, s);
    expect(deltas(on)).toEqual([]);
    expect(deltas(apply(room, tick, 100 + PUBLISH_DELAY, s))).toEqual([
      { type: "delta", room: "QUIZ", version: 2, hosted: true },
    ]);
    const synced = apply(room, { type: "sync", conn: "c1", room: "QUIZ", player: ids[0] as string }, 150, s);
    expect(sentTo(synced, "c1")[0]).toMatchObject({ type: "state", hosted: true });
    // A host console coming and going changes nothing while the terminal runs the room.
    apply(room, joinCmd(room, "h1", { secret: "quiz-secret" }), 200, s);
    apply(room, leaveCmd("h1", null), 210, s);
    expect(deltas(apply(room, tick, 210 + PUBLISH_DELAY, s))).toEqual([]);
    apply(room, { type: "terminal", room: "QUIZ", on: false }, 300, s);
    expect(deltas(apply(room, tick, 300 + PUBLISH_DELAY, s))).toEqual([
      { type: "delta", room: "QUIZ", version: 3, hosted: false },
    ]);
  });

  test("settings stay per room: a new room plays by the default rules", () => {
    const { room } = roomWith([], "open", settings());
    expect(room.rules).toEqual(DEFAULT_RULES);
  });
});
