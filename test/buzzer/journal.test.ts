import { describe, expect, test } from "bun:test";
import { type Entry, parseJournal, replay, roundEntry, snapshot } from "../../buzzer/journal.ts";
import { addPlayer, newRoom } from "../../buzzer/room/state.ts";
import type { Placed } from "../../buzzer/round.ts";

const placed = (player: string, press: number, place: number): Placed => ({
  player,
  press,
  arrival: press + 5,
  uncertainty: 1,
  asks: 1,
  place,
  gap: place === 1 ? 0 : 100,
  photo: false,
});

/** A journal as an owner writes it: a room, two players, an opened round, two places. */
const written: Entry[] = [
  { e: "clock", epoch: 1_000_000 },
  { e: "room", room: "QUIZ", secret: "pw" },
  { e: "round", room: "QUIZ", number: 1, phase: "locked", releaseAt: null, lockedOut: [] },
  { e: "player", room: "QUIZ", id: "a1", name: "Ann", token: "t".repeat(32), plain: false },
  { e: "player", room: "QUIZ", id: "b2", name: "Player 3", token: "u".repeat(32), plain: true },
  { e: "round", room: "QUIZ", number: 1, phase: "open", releaseAt: 50, lockedOut: [] },
  { e: "placed", room: "QUIZ", round: 1, presses: [placed("a1", 100, 1)] },
  { e: "placed", room: "QUIZ", round: 1, presses: [placed("b2", 200, 2)] },
];

describe("journal", () => {
  test("replays rooms, players with their tokens, and the round's places", () => {
    const rooms = replay(written, 1_000_000);
    const room = rooms.get("QUIZ");
    expect(room?.secret).toBe("pw");
    expect([...(room?.players.values() ?? [])].map((p) => [p.id, p.name, p.conn, p.plain])).toEqual([
      ["a1", "Ann", null, false],
      ["b2", "Player 3", null, true],
    ]);
    expect(room?.tokens.get("t".repeat(32))).toBe("a1");
    expect(room?.anonymous).toBe(3);
    expect(room?.round.phase).toBe("open");
    expect(room?.round.placed.map((p) => [p.player, p.place, p.press])).toEqual([
      ["a1", 1, 100],
      ["b2", 2, 200],
    ]);
  });

  test("carries press times onto this process's clock", () => {
    // This process's clock started 400 ms after the writer's, so its readings are 400 lower.
    const room = replay(written, 1_000_400).get("QUIZ");
    expect(room?.round.placed.map((p) => [p.press, p.arrival])).toEqual([
      [-300, -295],
      [-200, -195],
    ]);
  });

  test("brings an armed round back locked, its release timer gone", () => {
    const armed: Entry[] = [
      ...written,
      { e: "round", room: "QUIZ", number: 2, phase: "armed", releaseAt: 9, lockedOut: ["a1"] },
    ];
    const round = replay(armed, 1_000_000).get("QUIZ")?.round;
    expect(round).toEqual({
      answered: [],
      number: 2,
      phase: "locked",
      releaseAt: null,
      pending: [],
      placed: [],
      lockedOut: ["a1"],
    });
  });

  test("forgets a kicked player and its token", () => {
    const room = replay([...written, { e: "kick", room: "QUIZ", id: "a1" }], 1_000_000).get("QUIZ");
    expect([...(room?.players.keys() ?? [])]).toEqual(["b2"]);
    expect(room?.tokens.has("t".repeat(32))).toBe(false);
  });

  test("parses every entry kind, skipping empty lines", () => {
    const text = `${written.map((e) => JSON.stringify(e)).join("\n\n")}\n`;
    expect(parseJournal(text)).toEqual({ entries: written, problems: [] });
  });

  test("skips a last line torn by a crash silently", () => {
    const text = `${written.map((e) => JSON.stringify(e)).join("\n")}\n{"e":"placed","room":"QU`;
    expect(parseJournal(text)).toEqual({ entries: written, problems: [] });
  });

  test("keeps a last line that is whole but lacks its newline", () => {
    const text = written.map((e) => JSON.stringify(e)).join("\n");
    expect(parseJournal(text)).toEqual({ entries: written, problems: [] });
  });

  test("reports a line that is not JSON, with its number, unless it is the last", () => {
    const text = `{"e":"clock","epoch":5}\nnot json\n{"e":"placed","room":"QU\n`;
    expect(parseJournal(text)).toEqual({
      entries: [{ e: "clock", epoch: 5 }],
      problems: ["line 2: not JSON", "line 3: not JSON"],
    });
  });

  test("reports JSON that is not an entry", () => {
    const text = ["null", "42", '"room"', "[]", "{}", '{"e":7}', '{"e":"seat"}', '{"e":"constructor"}'].join(
      "\n",
    );
    expect(parseJournal(text)).toEqual({
      entries: [],
      problems: [
        "line 1: not a journal entry",
        "line 2: not a journal entry",
        "line 3: not a journal entry",
        "line 4: not a journal entry",
        "line 5: not a journal entry",
        "line 6: not a journal entry",
        'line 7: unknown entry kind "seat"',
        'line 8: unknown entry kind "constructor"',
      ],
    });
  });

  test("reports every field an entry lacks or has of the wrong type", () => {
    const lines = [
      { e: "clock" },
      { e: "clock", epoch: "soon" },
      { e: "room", room: "QUIZ" },
      { e: "player", room: "QUIZ", plain: false },
      { e: "player", room: "QUIZ", id: "a1", name: null, token: 5, plain: "no" },
      { e: "kick", id: "a1" },
      { e: "round", room: "QUIZ", number: 1.5, phase: "paused", releaseAt: "x", lockedOut: [1] },
      { e: "round", room: "QUIZ", number: 2, phase: "open", lockedOut: [] },
      { e: "placed", room: "QUIZ", round: 1 },
      { e: "placed", room: "QUIZ", round: 1, presses: [null] },
      { e: "placed", room: "QUIZ", round: 1, presses: [{ ...placed("a1", 100, 1), press: "early" }] },
    ];
    const text = lines.map((line) => JSON.stringify(line)).join("\n");
    expect(parseJournal(`${text}\n`)).toEqual({
      entries: [],
      problems: [
        'line 1: a "clock" entry needs epoch',
        'line 2: a "clock" entry needs epoch',
        'line 3: a "room" entry needs secret',
        'line 4: a "player" entry needs id, name, token',
        'line 5: a "player" entry needs name, token, plain',
        'line 6: a "kick" entry needs room',
        'line 7: a "round" entry needs number, phase, releaseAt, lockedOut',
        'line 8: a "round" entry needs releaseAt',
        'line 9: a "placed" entry needs presses',
        'line 10: a "placed" entry needs presses',
        'line 11: a "placed" entry needs presses',
      ],
    });
  });

  test("keeps the good entries around a bad one, in order", () => {
    const lines = written.map((e) => JSON.stringify(e));
    lines.splice(3, 0, '{"e":"player","room":"QUIZ"}');
    expect(parseJournal(lines.join("\n"))).toEqual({
      entries: written,
      problems: ['line 4: a "player" entry needs id, name, token, plain'],
    });
  });

  test("snapshots rooms into entries that replay to the same rooms", () => {
    const rooms = replay(written, 1_000_000);
    const again = replay(snapshot(rooms.values(), 1_000_000), 1_000_000);
    expect(again).toEqual(rooms);
  });

  test("writes a round's phase and lockouts as one entry", () => {
    const room = newRoom("R1", "pw");
    addPlayer(room, {
      id: "x",
      name: "X",
      token: "v".repeat(32),
      plain: false,
      conn: null,
      link: null,
      leftAt: null,
    });
    room.round = { ...room.round, phase: "open", releaseAt: 7, lockedOut: ["x"] };
    expect(roundEntry(room)).toEqual({
      e: "round",
      room: "R1",
      number: 1,
      phase: "open",
      releaseAt: 7,
      lockedOut: ["x"],
    });
  });
});
