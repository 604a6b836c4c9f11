import { describe, expect, test } from "bun:test";
import { CHECK_AFTER_MS, KEEP_MS, Redelivery } from "../../../buzzer/bus/redelivery.ts";
import type { GatewayEffect, RoomCommand } from "../../../buzzer/room/commands.ts";
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
const judge = (conn: string, player: string) =>
  ({ type: "host", conn, room: "QUIZ", action: { type: "judge", player, right: true } }) as const;
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

  test("forgets a command no process heard, and only that one", () => {
    const r = new Redelivery();
    const press = buzz("g1.1.0", "p1", 100);
    r.forwarded(press, "a", 0);
    r.unheard(buzz("g1.1.0", "p1", 100));
    r.unheard({ type: "sync", conn: "g1.1.0", room: "QUIZ", player: "p1" });
    expect(r.size).toBe(1);
    r.unheard(press);
    expect(r.size).toBe(0);
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

  test("keeps a host's marks, each until the room's staff view shows it given, and sends one again if its owner is gone", () => {
    const r = new Redelivery();
    const first = judge("g1.9.0", "p1");
    const second = judge("g1.9.0", "p2");
    r.forwarded(first, "a", 0);
    r.forwarded(second, "a", 0);
    expect(r.size).toBe(2);
    r.answered([staffView("OTHER", ["p1", "p2"]), staffView("QUIZ", [])]);
    expect(r.size).toBe(2);
    r.answered([staffView("QUIZ", ["p1"])]);
    expect(r.size).toBe(1);
    expect(r.checked(new Map([["a", false]]), CHECK_AFTER_MS)).toEqual([second]);
    expect(r.size).toBe(0);
  });

  test("forgets a host's marks when its connection is refused, closed or gone, or no process heard one", () => {
    const r = new Redelivery();
    const mark = judge("g1.9.0", "p1");
    r.forwarded(mark, "a", 0);
    r.answered([
      {
        type: "error",
        conn: "g1.9.0",
        code: "ALREADY_JUDGED",
        message: "p1's answer is already marked right this round",
      },
    ]);
    r.forwarded(judge("g1.9.1", "p1"), "a", 0);
    r.left("g1.9.1");
    expect(r.size).toBe(0);
    r.forwarded(mark, "a", 0);
    r.unheard(judge("g1.9.0", "p1"));
    expect(r.size).toBe(1);
    r.unheard(mark);
    expect(r.size).toBe(0);
  });

  test("keeps only joins, buzzes and marks, and none past KEEP_MS", () => {
    const r = new Redelivery();
    r.forwarded({ type: "sync", conn: "g1.1.0", room: "QUIZ", player: "p1" }, "a", 0);
    r.forwarded(
      { type: "host", conn: "g1.1.0", room: "QUIZ", action: { type: "award", player: "p1", points: 1 } },
      "a",
      0,
    );
    expect(r.size).toBe(0);
    r.forwarded(judge("g1.3.0", "p1"), "a", 0);
    r.forwarded(buzz("g1.2.1", "p2", 100), "a", 0);
    expect(r.due(KEEP_MS)).toEqual(new Set());
    expect(r.size).toBe(0);
  });
});
