import { describe, expect, test } from "bun:test";
import { type ServerMessage, VIEW } from "../../../buzzer/protocol.ts";
import { apply } from "../../../buzzer/room/engine.ts";
import { search } from "../../../buzzer/room/find.ts";
import {
  buzz,
  buzzes,
  GRACE,
  hostCmd,
  joinCmd,
  leaveCmd,
  ofType,
  roomWith,
  sentTo,
  tick,
} from "./engine_support.ts";

type Found = Extract<ServerMessage, { type: "found" }>;

/** A room of `n` players P1…Pn, every one of them placed this round in join order. */
function placedRoom(n: number) {
  const made = roomWith(Array.from({ length: n }, () => null));
  const list = made.ids.map((id, i) => buzz(`c${i + 1}`, id, 100 + i * 10));
  apply(made.room, buzzes(...list), 100 + n * 10, made.s);
  apply(made.room, tick, 100 + n * 10 + 5000, made.s);
  expect(made.room.round.placed.length).toBe(n);
  return made;
}

/** The names a search finds, best first. */
const names = (room: Parameters<typeof search>[0], query: string) =>
  search(room, query).players.map((p) => p.name);

describe("find", () => {
  test("answers the host who asked alone, with the first matches and the count, and publishes nothing", () => {
    const { room, s, ids } = roomWith([null, null, null]);
    const effects = apply(room, hostCmd({ type: "find", query: "p2" }), 100, s);
    const found = sentTo(effects, "h") as Found[];
    expect(found).toEqual([
      {
        type: "found",
        query: "p2",
        count: 1,
        players: [{ id: ids[1] as string, name: "P2", connected: true, lockedOut: false, points: 0 }],
      },
    ]);
    expect(effects.map((e) => e.type)).toEqual(["send", "wake"]);
  });

  test("finds a player past the host's list of 200, by name and by its place this round", () => {
    const { room, s, ids } = placedRoom(230);
    const p220 = ids[219] as string;
    expect(search(room, "P220").players[0]).toMatchObject({ id: p220, name: "P220", place: 220 });
    apply(room, hostCmd({ type: "judge", player: p220, right: true }), 9000, s);
    for (const query of ["220", "#220", " #220 "]) {
      expect(search(room, query).players[0]).toEqual({
        id: p220,
        name: "P220",
        connected: true,
        lockedOut: false,
        points: 1,
        place: 220,
        judged: "right",
      });
    }
    // "220" also finds the names that contain it; "#220" only the place.
    expect(search(room, "220").count).toBe(1);
    expect(search(room, "#999")).toEqual({ players: [], count: 0 });
  });

  test("folds case, width and invisible characters as names are compared", () => {
    const { room, s } = roomWith([]);
    for (const [i, name] of ["Alice", "ＢＯＢ", "Ca\u200brol"].entries())
      apply(room, joinCmd(room, `c${i + 1}`, { name }), 0, s);
    expect(names(room, "ALICE")).toEqual(["Alice"]);
    expect(names(room, "bob")).toEqual(["ＢＯＢ"]);
    expect(names(room, "carol")).toEqual(["Carol"]);
    expect(names(room, "c\u200ba\u2060r")).toEqual(["Carol"]);
  });

  test("lists names equal to the query first, then those that start with it, then those that contain it", () => {
    const { room, s } = roomWith([]);
    for (const [i, name] of ["Rosanna", "Anna Lee", "Hanna", "anna", "Annabel"].entries())
      apply(room, joinCmd(room, `c${i + 1}`, { name }), 0, s);
    expect(names(room, "Anna")).toEqual(["anna", "Anna Lee", "Annabel", "Rosanna", "Hanna"]);
    expect(search(room, "anna").count).toBe(5);
  });

  test("answers at most VIEW.found players and counts every match", () => {
    const { room } = roomWith(Array.from({ length: 60 }, () => null));
    const found = search(room, "p");
    expect(VIEW.found).toBe(20);
    expect(found.count).toBe(60);
    expect(found.players.map((p) => p.name)).toEqual(Array.from({ length: 20 }, (_, i) => `P${i + 1}`));
  });

  test("finds no one for an empty or blank query, nor a player who was kicked", () => {
    const { room, s, ids } = roomWith([null, null]);
    expect(search(room, "")).toEqual({ players: [], count: 0 });
    expect(search(room, " \u200b ")).toEqual({ players: [], count: 0 });
    apply(room, hostCmd({ type: "kick", player: ids[0] as string }), 10, s);
    expect(names(room, "P")).toEqual(["P2"]);
  });

  test("finds no one by the name a departed player's line keeps, and does not count it", () => {
    const { room, s, ids } = roomWith([null, null]);
    const a = ids[0] as string;
    apply(room, hostCmd({ type: "award", player: a, points: 2 }), 10, s);
    apply(room, leaveCmd("c1", a), 20, s);
    apply(room, { type: "sweep" }, 20 + GRACE, s);
    expect(room.departed.has(a)).toBe(true);
    expect(search(room, "P")).toMatchObject({ count: 1 });
    expect(names(room, "P")).toEqual(["P2"]);
  });

  test("sends nothing for a search from the server's terminal, which has no screen for it", () => {
    const { room, s } = roomWith([null]);
    const effects = apply(
      room,
      { type: "host", conn: null, room: "QUIZ", action: { type: "find", query: "P" } },
      5,
      s,
    );
    expect(ofType(effects, "send")).toEqual([]);
  });
});
