import { describe, expect, test } from "bun:test";
import { snapshot } from "../../../buzzer/journal.ts";
import { parseJournal } from "../../../buzzer/journal_check.ts";
import { replay } from "../../../buzzer/journal_replay.ts";
import { AWARDS_KEPT, rememberAward } from "../../../buzzer/room/awards.ts";
import type { RoomEffect } from "../../../buzzer/room/commands.ts";
import { apply, type EngineCommand } from "../../../buzzer/room/engine.ts";
import type { Room } from "../../../buzzer/room/state.ts";
import { ofType, roomWith } from "./engine_support.ts";

/** The host's award from console `h`, numbered `seq` by its gateway (to hear that it was handled). */
const award = (player: string, points: number, id?: string, seq = 1): EngineCommand => ({
  type: "host",
  conn: "h",
  room: "QUIZ",
  action: { type: "award", player, points, ...(id === undefined ? {} : { id }) },
  seq,
});

/** The journal entries an engine step wrote. */
const persisted = (effects: RoomEffect[]) => ofType(effects, "persist").flatMap((p) => p.entries);

/** The room as a new owner reads it back from everything `room`'s owner journaled (and a compaction of it). */
function takenOver(journal: ReturnType<typeof persisted>, epoch = 0): Room {
  const room = replay([{ e: "room", room: "QUIZ", secret: "quiz-secret" }, ...journal], epoch).get("QUIZ");
  if (!room) throw new Error("the room was not replayed");
  return room;
}

describe("room/awards", () => {
  test("remembers an id once, and forgets the oldest past AWARDS_KEPT", () => {
    const ids = new Set<string>();
    expect(rememberAward(ids, "x0")).toBe(true);
    expect(rememberAward(ids, "x0")).toBe(false);
    for (let i = 1; i <= AWARDS_KEPT; i++) rememberAward(ids, `x${i}`);
    expect(ids.size).toBe(AWARDS_KEPT);
    expect(ids.has("x0")).toBe(false);
    expect(ids.has("x1")).toBe(true);
    expect(rememberAward(ids, "x0")).toBe(true);
  });

  test("a copy of an award with an id gives nothing, and is answered handled all the same", () => {
    const { room, s, ids } = roomWith([null]);
    const a = ids[0] as string;
    const first = apply(room, award(a, 5, "k1", 1), 100, s);
    expect(persisted(first)).toEqual([
      { e: "score", room: "QUIZ", id: a, name: "P1", team: null, points: 5, award: "k1" },
    ]);
    const copy = apply(room, award(a, 5, "k1", 1), 200, s);
    expect(room.players.get(a)?.points).toBe(5);
    // Nothing journaled, published or sent: only the answer its gateway waits on.
    expect(copy.filter((e) => e.type !== "wake")).toEqual([{ type: "handled", conn: "h", seq: 1 }]);
    // Another award, even of the same points, is another id: it gives them.
    apply(room, award(a, 5, "k2", 2), 300, s);
    expect(room.players.get(a)?.points).toBe(10);
  });

  test("awards without an id give their points each time, as before", () => {
    const { room, s, ids } = roomWith([null]);
    const a = ids[0] as string;
    const first = apply(room, award(a, 2), 100, s);
    apply(room, award(a, 2), 200, s);
    expect(room.players.get(a)?.points).toBe(4);
    expect(persisted(first)).toEqual([
      { e: "score", room: "QUIZ", id: a, name: "P1", team: null, points: 2 },
    ]);
    expect(room.awards.size).toBe(0);
  });

  test("an id forgotten past AWARDS_KEPT awards gives its points again", () => {
    const { room, s, ids } = roomWith([null]);
    const a = ids[0] as string;
    for (let i = 0; i <= AWARDS_KEPT; i++) apply(room, award(a, 1, `k${i}`), 100 + i, s);
    expect(room.players.get(a)?.points).toBe(AWARDS_KEPT + 1);
    apply(room, award(a, 1, "k0"), 5000, s);
    apply(room, award(a, 1, `k${AWARDS_KEPT}`), 5001, s);
    expect(room.players.get(a)?.points).toBe(AWARDS_KEPT + 2);
  });

  test("the room's next owner rebuilds the ids from the journal: a copy that reaches it gives nothing", () => {
    const { room, s, ids } = roomWith([null]);
    const a = ids[0] as string;
    const journal = [
      { e: "player" as const, room: "QUIZ", id: a, name: "P1", token: "t".repeat(32), plain: false },
      ...persisted(apply(room, award(a, 3, "k1"), 100, s)),
      ...persisted(apply(room, award(a, 4, "k2"), 200, s)),
    ];
    const next = takenOver(journal);
    expect([...next.awards]).toEqual(["k1", "k2"]);
    expect(next.players.get(a)?.points).toBe(7);
    apply(next, award(a, 4, "k2"), 300, s);
    expect(next.players.get(a)?.points).toBe(7);
    apply(next, award(a, 1, "k3"), 400, s);
    expect(next.players.get(a)?.points).toBe(8);
  });

  test("a compacted journal keeps the ids, oldest first, and replays them (a --state restart too)", () => {
    const { room, s, ids } = roomWith([null]);
    const a = ids[0] as string;
    apply(room, award(a, 3, "k1"), 100, s);
    apply(room, award(a, 3, "k2"), 200, s);
    const entries = snapshot([room], 0);
    expect(entries).toContainEqual({ e: "awards", room: "QUIZ", ids: ["k1", "k2"] });
    const text = entries.map((e) => `${JSON.stringify(e)}\n`).join("");
    const read = parseJournal(text);
    expect(read.problems).toEqual([]);
    const next = replay(read.entries, 0).get("QUIZ") as Room;
    expect([...next.awards]).toEqual(["k1", "k2"]);
    apply(next, award(a, 3, "k1"), 300, s);
    expect(next.players.get(a)?.points).toBe(6);
  });

  test("the journal check reports an award id or an awards entry of the wrong type", () => {
    const lines = [
      { e: "score", room: "QUIZ", id: "a1", name: "Ann", team: null, points: 1, award: 7 },
      { e: "awards", room: "QUIZ", ids: "k1" },
      { e: "awards", room: "QUIZ", ids: [1] },
    ];
    expect(parseJournal(`${lines.map((l) => JSON.stringify(l)).join("\n")}\n`)).toEqual({
      entries: [],
      problems: [
        'line 1: a "score" entry needs award',
        'line 2: a "awards" entry needs ids',
        'line 3: a "awards" entry needs ids',
      ],
    });
  });
});
