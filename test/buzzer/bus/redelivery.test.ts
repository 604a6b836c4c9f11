import { describe, expect, test } from "bun:test";
import {
  type AwaitedCommand,
  CHECK_AFTER_MS,
  HOST_KEPT,
  KEEP_MS,
  Redelivery,
} from "../../../buzzer/bus/redelivery.ts";
import type { GatewayEffect, HostMessage, RoomCommand } from "../../../buzzer/room/commands.ts";
import { buzz } from "../room/engine_support.ts";

const join = (conn: string): Extract<RoomCommand, { type: "join" }> => ({
  type: "join",
  conn,
  room: "QUIZ",
  name: "Ann",
  link: null,
  mayAdd: true,
  address: "10.0.0.1",
});
const verdict = (conn: string) =>
  ({
    type: "send",
    conn,
    msg: { type: "verdict", round: 1, place: 1, gap: 0, photo: false, text: "first place!" },
  }) as const;
const host = (conn: string, action: HostMessage): RoomCommand => ({
  type: "host",
  conn,
  room: "QUIZ",
  action,
});
const judgeP1: HostMessage = { type: "judge", player: "p1", right: true };
/** The room's staff view, its order with `marked` players' answers marked right. */
const staffView = (room: string, marked: string[]): GatewayEffect => ({
  type: "publish",
  room,
  audience: "staff",
  msg: {
    type: "state",
    room,
    version: 3,
    round: 1,
    phase: "locked",
    hosted: true,
    players: [],
    playerCount: 2,
    order: ["p1", "p2"].map((id, i) => ({
      id,
      name: id,
      place: i + 1,
      gap: i / 10,
      photo: false,
      ...(marked.includes(id) ? { judged: "right" as const } : {}),
    })),
    scores: [],
    scoreCount: 2,
    teams: [],
  },
});
const bind = (conn: string) =>
  ({ type: "bind", conn, room: "QUIZ", player: "p1", host: false, added: true }) as const;

describe("Redelivery", () => {
  test("asks after CHECK_AFTER_MS whether an unanswered command's owner listens, and sends it again if not", () => {
    const r = new Redelivery();
    const press = buzz("g1.1.0", "p1", 100);
    r.forwarded(press, "dead", 0);
    expect(r.due(CHECK_AFTER_MS - 1)).toEqual(new Set());
    expect(r.due(CHECK_AFTER_MS)).toEqual(new Set(["dead"]));
    expect(r.checked(new Map([["dead", false]]), CHECK_AFTER_MS)).toEqual([press]);
    // Sending it again forwards it anew: nothing is kept here until then.
    expect(r.size).toBe(0);
  });

  test("keeps waiting on an owner that still listens (slow, not gone), and checks it again later", () => {
    const r = new Redelivery();
    const ann = join("g1.1.0");
    r.forwarded(ann, "slow", 0);
    expect(r.checked(new Map([["slow", true]]), CHECK_AFTER_MS)).toEqual([]);
    expect(r.due(CHECK_AFTER_MS * 2 - 1)).toEqual(new Set());
    expect(r.due(CHECK_AFTER_MS * 2)).toEqual(new Set(["slow"]));
    expect(r.checked(new Map([["slow", false]]), CHECK_AFTER_MS * 2)).toEqual([ann]);
  });

  test("leaves alone the commands of owners that were not checked", () => {
    const r = new Redelivery();
    r.forwarded(buzz("g1.1.0", "p1", 100), "a", 0);
    r.forwarded(buzz("g1.2.1", "p2", 100), "b", 0);
    expect(r.checked(new Map([["a", false]]), CHECK_AFTER_MS)).toHaveLength(1);
    expect(r.due(CHECK_AFTER_MS)).toEqual(new Set(["b"]));
  });

  test("forgets a buzz its verdict or a refusal answers, a join its bind, and a connection that left", () => {
    const r = new Redelivery();
    r.forwarded(buzz("g1.1.0", "p1", 100), "a", 0);
    r.forwarded(buzz("g1.2.1", "p2", 100), "a", 0);
    r.forwarded(join("g1.3.2"), "a", 0);
    r.forwarded(join("g1.4.3"), "a", 0);
    r.answered([
      verdict("g1.1.0"),
      { type: "error", conn: "g1.2.1", code: "LOCKED_OUT", message: "you are locked out of this round" },
      bind("g1.3.2"),
    ]);
    r.left("g1.4.3");
    expect(r.size).toBe(0);
  });

  test("sends again a buzz no process heard, once: not one sent again already", () => {
    const r = new Redelivery();
    const press = buzz("g1.1.0", "p1", 100);
    r.forwarded(press, "a", 0);
    expect(r.unheard(buzz("g1.1.0", "p1", 100), "a")).toEqual([]);
    expect(r.size).toBe(1);
    expect(r.unheard(press, "a")).toEqual([press]);
    expect(r.size).toBe(0);
    r.forwarded(press, "a", 0);
    expect(r.checked(new Map([["a", false]]), CHECK_AFTER_MS)).toEqual([press]);
    expect(r.unheard(press, "a")).toEqual([]);
  });

  test("does not take a join's bind for a buzz's answer, nor another message for a verdict", () => {
    const r = new Redelivery();
    r.forwarded(buzz("g1.1.0", "p1", 100), "a", 0);
    r.answered([
      bind("g1.1.0"),
      { type: "send", conn: "g1.1.0", msg: { type: "score", points: 1, rank: 1 } },
      { type: "publish", room: "QUIZ", audience: "players", msg: { type: "ping", id: 1 } },
    ]);
    expect(r.size).toBe(1);
  });

  test("keeps a host's marks, undos and forgives, an open, lock, next or reset naming its round and an award with an id; not other host actions", () => {
    const r = new Redelivery();
    const kept: HostMessage[] = [
      { type: "judge", player: "p1", right: true },
      { type: "unjudge", player: "p1", round: 1 },
      { type: "forgive", player: "p2", round: 1 },
      { type: "next", round: 1, unplayed: true },
      { type: "reset", round: 2 },
      { type: "arm", round: 2 },
      { type: "arm", countdown: 3000, round: 3 },
      { type: "lock", round: 3 },
      { type: "award", player: "p1", points: 3, id: "a7f3" },
    ];
    const notKept: HostMessage[] = [
      { type: "next" },
      { type: "reset" },
      { type: "arm" },
      { type: "lock" },
      { type: "award", player: "p1", points: 1 },
      { type: "kick", player: "p1" },
      { type: "rules", rules: { right: 2 } },
    ];
    for (const action of notKept) expect(r.forwarded(host("g1.9.0", action), "a", 0)).toBeNull();
    expect(r.forwarded({ type: "host", conn: null, room: "QUIZ", action: judgeP1 }, "a", 0)).toBeNull();
    expect(r.size).toBe(0);
    const numbered = kept.map((action) => r.forwarded(host("g1.9.0", action), "a", 0));
    // Each numbered for its handled, and otherwise as the host sent it: its round goes with it.
    expect(numbered).toEqual(
      kept.map((action, i) => ({ ...host("g1.9.0", action), seq: i + 1 }) as AwaitedCommand),
    );
    expect(r.size).toBe(9);
  });

  test("sends again an open and a lock naming their round whose owner stopped listening, not those of an older client naming none", () => {
    const r = new Redelivery();
    expect(r.forwarded(host("g1.9.0", { type: "lock" }), "a", 0)).toBeNull();
    expect(r.forwarded(host("g1.9.0", { type: "arm", countdown: 3000 }), "a", 0)).toBeNull();
    const lock = r.forwarded(host("g1.9.0", { type: "lock", round: 4 }), "a", 0);
    const arm = r.forwarded(host("g1.9.0", { type: "arm", countdown: 3000, round: 5 }), "a", 0);
    const again = r.checked(new Map([["a", false]]), CHECK_AFTER_MS);
    expect(again).toEqual([lock, arm] as AwaitedCommand[]);
    expect(again.map((c) => c.type === "host" && c.action)).toEqual([
      { type: "lock", round: 4 },
      { type: "arm", countdown: 3000, round: 5 },
    ]);
  });

  test("sends again an award with an id whose owner stopped listening, keeping its id and number", () => {
    const r = new Redelivery();
    const award = r.forwarded(host("g1.9.0", { type: "award", player: "p1", points: 5, id: "k1" }), "a", 0);
    const again = r.checked(new Map([["a", false]]), CHECK_AFTER_MS);
    expect(again).toEqual([award as AwaitedCommand]);
    expect(again[0]).toMatchObject({ action: { type: "award", points: 5, id: "k1" }, seq: 1 });
  });

  test("keeps a host action until its owner says it handled it, not for a view that shows it or a refusal", () => {
    const r = new Redelivery();
    const first = r.forwarded(host("g1.9.0", judgeP1), "a", 0);
    const second = r.forwarded(host("g1.9.0", { type: "judge", player: "p2", right: false }), "a", 0);
    expect(second).not.toBeNull();
    r.answered([
      staffView("QUIZ", ["p1", "p2"]),
      {
        type: "error",
        conn: "g1.9.0",
        code: "ALREADY_JUDGED",
        message: "p2's answer is already marked wrong",
      },
      { type: "handled", conn: "g1.8.0", seq: 1 },
    ]);
    expect(r.size).toBe(2);
    r.answered([{ type: "handled", conn: "g1.9.0", seq: 1 }]);
    expect(r.size).toBe(1);
    // A slow owner that still listens gets no second copy.
    expect(r.checked(new Map([["a", true]]), CHECK_AFTER_MS)).toEqual([]);
    expect(r.checked(new Map([["a", false]]), CHECK_AFTER_MS * 2)).toEqual([second as AwaitedCommand]);
    expect(first?.type === "host" && first.seq).toBe(1);
    expect(r.size).toBe(0);
  });

  test("sends a host's actions again in the order sent, each with its number", () => {
    const r = new Redelivery();
    const undo = r.forwarded(host("g1.9.0", { type: "unjudge", player: "p1", round: 1 }), "a", 0);
    const mark = r.forwarded(host("g1.9.0", { type: "judge", player: "p1", right: false, round: 1 }), "a", 1);
    const next = r.forwarded(host("g1.9.0", { type: "next", round: 1 }), "a", 2);
    const again = r.checked(new Map([["a", false]]), CHECK_AFTER_MS + 2);
    expect(again).toEqual([undo, mark, next] as AwaitedCommand[]);
    // Forwarded anew to the next owner, each keeps its number: a handled for it still answers it.
    expect(r.forwarded(again[1] as RoomCommand, "b", 3)).toEqual(mark);
    r.answered([{ type: "handled", conn: "g1.9.0", seq: 2 }]);
    expect(r.size).toBe(0);
  });

  test("after a publish no one heard, sends that host's actions still kept for that owner, in order, and nothing sent again already", () => {
    const r = new Redelivery();
    const undo = r.forwarded(host("g1.9.0", { type: "unjudge", player: "p1" }), "a", 0) as AwaitedCommand;
    const other = r.forwarded(host("g1.8.0", judgeP1), "a", 0) as AwaitedCommand;
    const elsewhere = r.forwarded(
      host("g1.9.0", { type: "forgive", player: "p2" }),
      "b",
      0,
    ) as AwaitedCommand;
    const mark = r.forwarded(host("g1.9.0", judgeP1), "a", 1) as AwaitedCommand;
    expect(r.unheard(mark, "a")).toEqual([undo, mark]);
    expect(r.unheard(undo, "a")).toEqual([]);
    expect(r.checked(new Map([["a", false]]), CHECK_AFTER_MS)).toEqual([other]);
    expect(r.unheard(other, "a")).toEqual([]);
    expect(r.size).toBe(1);
    expect(r.checked(new Map([["b", false]]), CHECK_AFTER_MS)).toEqual([elsewhere]);
  });

  test("forgets a host's actions when its connection is closed or gone", () => {
    const r = new Redelivery();
    r.forwarded(host("g1.9.0", judgeP1), "a", 0);
    r.forwarded(host("g1.9.1", judgeP1), "a", 0);
    r.answered([{ type: "close", conn: "g1.9.0", code: 4001, reason: "kicked" }]);
    r.left("g1.9.1");
    expect(r.size).toBe(0);
  });

  test(`keeps at most ${HOST_KEPT} actions for one host connection, the newest`, () => {
    const r = new Redelivery();
    for (let i = 0; i <= HOST_KEPT; i++) r.forwarded(host("g1.9.0", { type: "reset", round: i }), "a", 0);
    expect(r.size).toBe(HOST_KEPT);
    const again = r.checked(new Map([["a", false]]), CHECK_AFTER_MS);
    expect(again[0]).toMatchObject({ action: { round: 1 } });
    expect(again.at(-1)).toMatchObject({ action: { round: HOST_KEPT } });
  });

  test("keeps only joins, buzzes and host actions, and none past KEEP_MS", () => {
    const r = new Redelivery();
    r.forwarded({ type: "sync", conn: "g1.1.0", room: "QUIZ", player: "p1" }, "a", 0);
    expect(r.size).toBe(0);
    r.forwarded(host("g1.3.0", judgeP1), "a", 0);
    r.forwarded(buzz("g1.2.1", "p2", 100), "a", 0);
    expect(r.due(KEEP_MS)).toEqual(new Set());
    expect(r.size).toBe(0);
  });
});
