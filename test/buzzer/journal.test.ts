import { describe, expect, test } from "bun:test";
import { type Entry, roundEntry, snapshot } from "../../buzzer/journal.ts";
import { parseJournal } from "../../buzzer/journal_check.ts";
import { replay } from "../../buzzer/journal_replay.ts";
import { DEFAULT_RULES } from "../../buzzer/protocol.ts";
import { type Bans, isBanned } from "../../buzzer/room/bans.ts";
import { ADDRESS_KEPT, addPlayer, newRoom, type Room } from "../../buzzer/room/state.ts";
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

  test("a departed line keeps its name and token through a snapshot, and a player who holds either keeps it", () => {
    const T = "a".repeat(32);
    const U = "b".repeat(32);
    // Ann scored and was forgotten; her phone came back with her token as a new player, also named
    // "Ann" (what a server wrote before departed lines kept their names and tokens). Cy left too.
    const entries: Entry[] = [
      { e: "room", room: "R", secret: "roomsecret" },
      { e: "player", room: "R", id: "aaaaaaaa", name: "Ann", token: T, plain: false, address: "1.1.1.1" },
      { e: "score", room: "R", id: "aaaaaaaa", name: "Ann", team: null, points: 5 },
      { e: "left", room: "R", id: "aaaaaaaa" },
      { e: "player", room: "R", id: "qqqqqqqq", name: "Ann", token: T, plain: false, address: "2.2.2.2" },
      { e: "player", room: "R", id: "cccccccc", name: "Cy", token: U, plain: false },
      { e: "score", room: "R", id: "cccccccc", name: "Cy", team: null, points: 3 },
      { e: "left", room: "R", id: "cccccccc" },
    ];
    const once = replay(entries, 0).get("R") as Room;
    const twice = replay(snapshot([once], 0), 0).get("R") as Room;
    for (const room of [once, twice]) {
      // The player keeps the name and the token it was journaled with; the lines stay on the board.
      expect(room.players.get("qqqqqqqq")).toMatchObject({ name: "Ann", token: T });
      expect(room.tokens.get(T)).toBe("qqqqqqqq");
      expect(room.departed.get("aaaaaaaa")).toMatchObject({ name: "Ann", points: 5 });
      // A line no one holds the token or name of keeps both through the snapshot.
      expect(room.departed.get("cccccccc")).toMatchObject({ name: "Cy", points: 3, token: U });
      expect(room.tokens.get(U)).toBe("cccccccc");
    }
  });

  test("carries press times onto this process's clock", () => {
    // This process's clock started 400 ms after the writer's, so its readings are 400 lower.
    const room = replay(written, 1_000_400).get("QUIZ");
    expect(room?.round.placed.map((p) => [p.press, p.arrival])).toEqual([
      [-300, -295],
      [-200, -195],
    ]);
  });

  test("brings an armed round back armed, its release time carried onto this process's clock", () => {
    const armed: Entry[] = [
      ...written,
      { e: "round", room: "QUIZ", number: 2, phase: "armed", releaseAt: 9, lockedOut: ["a1"] },
    ];
    const round = replay(armed, 1_000_400).get("QUIZ")?.round;
    expect(round).toEqual({
      answered: [],
      number: 2,
      phase: "armed",
      releaseAt: -391,
      startedAt: null,
      lockedAt: null,
      earlier: null,
      pending: [],
      placed: [],
      lockedOut: ["a1"],
    });
  });

  // A countdown's false start sent again to the room's next owner is still one.
  test("keeps a locked round's release time, carried onto this process's clock", () => {
    const locked: Entry[] = [
      ...written,
      { e: "round", room: "QUIZ", number: 2, phase: "locked", releaseAt: 9, lockedOut: [], lockedAt: 20 },
    ];
    const round = replay(locked, 1_000_400).get("QUIZ")?.round;
    expect([round?.releaseAt, round?.lockedAt]).toEqual([-391, -380]);
  });

  // A buzz sent again to a room's next owner is judged by when its round began and was locked.
  test("carries when a round began and was locked onto this process's clock", () => {
    const locked: Entry[] = [
      ...written,
      {
        e: "round",
        room: "QUIZ",
        number: 2,
        phase: "locked",
        releaseAt: null,
        lockedOut: [],
        startedAt: 5,
        lockedAt: 8,
      },
    ];
    const round = replay(locked, 1_000_400).get("QUIZ")?.round;
    expect([round?.startedAt, round?.lockedAt]).toEqual([-395, -392]);
  });

  // A late press from before the host's lock, sent again to the room's next owner, still counts.
  test("carries a round's earlier open spell onto this process's clock, and checks its shape", () => {
    const reopened: Entry = {
      e: "round",
      room: "QUIZ",
      number: 2,
      phase: "open",
      releaseAt: 30,
      lockedOut: [],
      earlier: { from: 5, to: 20 },
    };
    const round = replay([...written, reopened], 1_000_400).get("QUIZ")?.round;
    expect(round?.earlier).toEqual({ from: -395, to: -380 });
    const lines = [reopened, { ...reopened, earlier: { from: 5 } }].map((e) => JSON.stringify(e)).join("\n");
    expect(parseJournal(`${lines}\n`)).toEqual({
      entries: [reopened],
      problems: ['line 2: a "round" entry needs earlier'],
    });
  });

  test("carries an open round's timer deadline onto this process's clock", () => {
    const timed: Entry[] = [
      ...written,
      { e: "round", room: "QUIZ", number: 1, phase: "open", releaseAt: 50, lockedOut: [], closesAt: 10_050 },
    ];
    expect(replay(timed, 1_000_000).get("QUIZ")?.closesAt).toBe(10_050);
    // Restarted 20 s after the writer's clock started: 9.6 s of the timer are left.
    expect(replay(timed, 1_020_000).get("QUIZ")?.closesAt).toBe(-9950);
  });

  test("brings a round with no deadline back with no timer, and a locked one's timer gone", () => {
    expect(replay(written, 1_000_000).get("QUIZ")?.closesAt).toBeNull();
    const locked: Entry[] = [
      ...written,
      { e: "round", room: "QUIZ", number: 1, phase: "open", releaseAt: 50, lockedOut: [], closesAt: 10_050 },
      { e: "round", room: "QUIZ", number: 1, phase: "locked", releaseAt: 50, lockedOut: [] },
    ];
    expect(replay(locked, 1_000_000).get("QUIZ")?.closesAt).toBeNull();
  });

  test("replays the host's marks of the round's answers, and a new round clears them", () => {
    const judged: Entry[] = [
      ...written,
      { e: "judged", room: "QUIZ", round: 1, id: "a1", verdict: "right" },
      { e: "judged", room: "QUIZ", round: 1, id: "b2", verdict: "wrong" },
    ];
    const room = replay(judged, 1_000_000).get("QUIZ");
    // A journal written before marks kept their points: the rules replayed to that line give them.
    expect([...(room?.judged ?? [])]).toEqual([
      ["a1", { verdict: "right", points: 1 }],
      ["b2", { verdict: "wrong", points: 0 }],
    ]);
    const next = replay(
      [...judged, { e: "round", room: "QUIZ", number: 2, phase: "open", releaseAt: 900, lockedOut: [] }],
      1_000_000,
    ).get("QUIZ");
    expect(next?.judged.size).toBe(0);
  });

  test("replays a mark taken back in the current round, and keeps what another round's undo names", () => {
    const undone = replay(
      [
        ...written,
        { e: "judged", room: "QUIZ", round: 1, id: "a1", verdict: "right", points: 3 },
        { e: "judged", room: "QUIZ", round: 1, id: "b2", verdict: "wrong", points: -1 },
        { e: "unjudged", room: "QUIZ", round: 1, id: "a1" },
        { e: "unjudged", room: "QUIZ", round: 6, id: "b2" },
      ],
      1_000_000,
    ).get("QUIZ");
    expect([...(undone?.judged ?? [])]).toEqual([["b2", { verdict: "wrong", points: -1 }]]);
  });

  test("keeps a mark only for a player or a place of the current round", () => {
    const kicked: Entry[] = [
      ...written,
      { e: "judged", room: "QUIZ", round: 1, id: "a1", verdict: "right" },
      { e: "kick", room: "QUIZ", id: "a1" },
      // A placed player kicked since keeps its mark; no one else gets one, nor another round's.
      { e: "judged", room: "QUIZ", round: 1, id: "a1", verdict: "wrong" },
      { e: "judged", room: "QUIZ", round: 1, id: "zz", verdict: "right" },
      { e: "judged", room: "QUIZ", round: 7, id: "b2", verdict: "right" },
    ];
    const room = replay(kicked, 1_000_000).get("QUIZ");
    expect([...(room?.judged ?? [])]).toEqual([["a1", { verdict: "wrong", points: 0 }]]);
  });

  test("snapshots the marks and the timer's deadline, which replay to the same room", () => {
    const rooms = replay(
      [
        ...written,
        {
          e: "round",
          room: "QUIZ",
          number: 1,
          phase: "open",
          releaseAt: 50,
          lockedOut: [],
          closesAt: 10_050,
        },
        { e: "judged", room: "QUIZ", round: 1, id: "b2", verdict: "wrong" },
      ],
      1_000_000,
    );
    const entries = snapshot(rooms.values(), 1_000_000);
    expect(entries.filter((e) => e.e === "judged" || e.e === "round")).toEqual([
      {
        e: "round",
        room: "QUIZ",
        number: 1,
        phase: "open",
        releaseAt: 50,
        lockedOut: [],
        closesAt: 10_050,
      },
      { e: "judged", room: "QUIZ", round: 1, id: "b2", verdict: "wrong", points: 0 },
    ]);
    expect(replay(entries, 1_000_000)).toEqual(rooms);
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
      { e: "round", room: "QUIZ", number: 2, phase: "open", releaseAt: 5, lockedOut: [], closesAt: null },
      { e: "judged", room: "QUIZ", round: "1", id: "a1", verdict: "maybe" },
      { e: "placed", room: "QUIZ", round: 1 },
      { e: "placed", room: "QUIZ", round: 1, presses: [null] },
      { e: "placed", room: "QUIZ", round: 1, presses: [{ ...placed("a1", 100, 1), press: "early" }] },
      { e: "score", room: "QUIZ", id: "a1", name: "Ann", team: 5, points: 1.5 },
      { e: "left", room: "QUIZ" },
      { e: "rules", room: "QUIZ", rules: { ...DEFAULT_RULES, teamFirst: "yes" } },
      { e: "judged", room: "QUIZ", round: 1, id: "a1", verdict: "right", points: 0.5 },
      { e: "unjudged", room: "QUIZ", round: 1 },
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
        'line 9: a "round" entry needs closesAt',
        'line 10: a "judged" entry needs round, verdict',
        'line 11: a "placed" entry needs presses',
        'line 12: a "placed" entry needs presses',
        'line 13: a "placed" entry needs presses',
        'line 14: a "score" entry needs team, points',
        'line 15: a "left" entry needs id',
        'line 16: a "rules" entry needs rules',
        'line 17: a "judged" entry needs points',
        'line 18: a "unjudged" entry needs id',
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

  test("brings rules an older version journaled out of their ranges back into them", () => {
    const old = { autoLock: 5000, timer: 1.5, right: 2.4, wrong: 3, falseStart: 5, teamFirst: true };
    const room = replay([...written, { e: "rules", room: "QUIZ", rules: old }], 0).get("QUIZ");
    expect(room?.rules).toEqual({
      autoLock: 1000,
      timer: 1000,
      right: 2,
      wrong: 0,
      falseStart: 0,
      teamFirst: true,
    });
    const none = replay([...written, { e: "rules", room: "QUIZ", rules: { ...old, timer: 0 } }], 0).get(
      "QUIZ",
    );
    expect(none?.rules.timer).toBe(0);
  });

  test("replays scores, teams, rules and the lines of players who left, and snapshots them", () => {
    const rules = { ...DEFAULT_RULES, right: 2, teamFirst: true };
    const scored: Entry[] = [
      ...written,
      { e: "rules", room: "QUIZ", rules: { ...rules, later: 1 } as typeof rules },
      { e: "score", room: "QUIZ", id: "a1", name: "Ann", team: "Red", points: 3 },
      { e: "score", room: "QUIZ", id: "b2", name: "Player 3", team: "Red", points: 1 },
      { e: "left", room: "QUIZ", id: "b2" },
      // A departed player's line as a compacted journal keeps it: a score with no player.
      { e: "score", room: "QUIZ", id: "c3", name: "Cy", team: null, points: -2 },
    ];
    const room = replay(scored, 1_000_000).get("QUIZ");
    expect(room?.rules).toEqual(rules);
    expect([...(room?.players.values() ?? [])].map((p) => [p.id, p.points, p.team])).toEqual([
      ["a1", 3, "Red"],
    ]);
    expect([...(room?.departed ?? [])]).toEqual([
      ["b2", { name: "Player 3", team: "Red", points: 1 }],
      ["c3", { name: "Cy", team: null, points: -2 }],
    ]);
    expect([...(room?.teams.values() ?? [])]).toEqual([{ name: "Red", members: 2 }]);
    const compacted = snapshot([room as NonNullable<typeof room>], 1_000_000);
    expect(compacted.filter((e) => e.e === "score" || e.e === "rules")).toEqual([
      { e: "rules", room: "QUIZ", rules },
      { e: "score", room: "QUIZ", id: "a1", name: "Ann", team: "Red", points: 3 },
      { e: "score", room: "QUIZ", id: "b2", name: "Player 3", team: "Red", points: 1 },
      { e: "score", room: "QUIZ", id: "c3", name: "Cy", team: null, points: -2 },
    ]);
    expect(replay(compacted, 1_000_000).get("QUIZ")).toEqual(room);
  });

  /** Cy's join entry, from `address`. */
  const cyFrom = (address: string): Entry => ({
    e: "player",
    room: "QUIZ",
    id: "c3",
    name: "Cy",
    token: "v".repeat(32),
    plain: false,
    address,
  });

  test("replays a player's address and a departed line's; entries written without one load with none", () => {
    const room = replay(
      [
        ...written,
        cyFrom("10.0.0.1"),
        // Cy resumed from another address: its entry again.
        cyFrom("10.0.0.2"),
        { e: "score", room: "QUIZ", id: "d4", name: "Di", team: null, points: 2, address: "10.0.0.3" },
        { e: "score", room: "QUIZ", id: "e5", name: "Ed", team: null, points: 1 },
      ],
      1_000_000,
    ).get("QUIZ") as Room;
    expect([...room.players.values()].map((p) => [p.id, p.name, p.address])).toEqual([
      ["a1", "Ann", ""],
      ["b2", "Player 3", ""],
      ["c3", "Cy", "10.0.0.2"],
    ]);
    expect([...room.departed]).toEqual([
      ["d4", { name: "Di", team: null, points: 2, address: "10.0.0.3" }],
      ["e5", { name: "Ed", team: null, points: 1 }],
    ]);
    expect([...room.returning]).toEqual([["10.0.0.3\ndi", "d4"]]);
    const compacted = snapshot([room], 1_000_000);
    expect(compacted.filter((e) => e.e === "player" && e.id === "c3")).toEqual([cyFrom("10.0.0.2")]);
    expect(replay(compacted, 1_000_000).get("QUIZ")).toEqual(room);
  });

  test("keeps at most ADDRESS_KEPT characters of an address from the journal", () => {
    const long = "a".repeat(ADDRESS_KEPT + 10);
    const room = replay(
      [
        ...written,
        cyFrom(long),
        { e: "score", room: "QUIZ", id: "d4", name: "Di", team: null, points: 2, address: long },
      ],
      1_000_000,
    ).get("QUIZ");
    expect(room?.players.get("c3")?.address).toBe(long.slice(0, ADDRESS_KEPT));
    expect(room?.departed.get("d4")?.address).toBe(long.slice(0, ADDRESS_KEPT));
  });

  test("reports an address that is not a string", () => {
    const bad = { e: "player", room: "QUIZ", id: "c3", name: "Cy", token: "v", plain: false, address: 7 };
    expect(parseJournal(`${JSON.stringify(bad)}\n`).problems).toEqual([
      'line 1: a "player" entry needs address',
    ]);
  });

  test("a kick takes the player's score with it", () => {
    const kicked: Entry[] = [
      ...written,
      { e: "score", room: "QUIZ", id: "a1", name: "Ann", team: "Red", points: 3 },
      { e: "kick", room: "QUIZ", id: "a1" },
    ];
    const room = replay(kicked, 1_000_000).get("QUIZ");
    expect(room?.departed.size).toBe(0);
    expect(room?.teams.size).toBe(0);
  });

  test("keeps what locked a round once open, so a room replayed from it still says so", () => {
    const room = newRoom("R1", "pw");
    room.round = { ...room.round, phase: "locked", releaseAt: 7 };
    room.lockedBy = "timer";
    expect(roundEntry(room)).toEqual({
      e: "round",
      room: "R1",
      number: 1,
      phase: "locked",
      releaseAt: 7,
      lockedOut: [],
      lockedBy: "timer",
    });
    const entries = snapshot([room], 1_000_000);
    expect(replay(entries, 1_000_000).get("R1")?.lockedBy).toBe("timer");
    // A new round, and a journal written before lockedBy was kept, were locked by no one.
    const next: Entry = {
      e: "round",
      room: "R1",
      number: 2,
      phase: "locked",
      releaseAt: null,
      lockedOut: [],
    };
    expect(replay([...entries, next], 1_000_000).get("R1")?.lockedBy).toBeNull();
    expect(parseJournal(`${JSON.stringify({ ...next, lockedBy: "bored" })}\n`).problems).toEqual([
      'line 1: a "round" entry needs lockedBy',
    ]);
  });

  test("writes a round's phase, lockouts and timer deadline as one entry", () => {
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
    room.closesAt = 5007;
    expect(roundEntry(room)).toMatchObject({ phase: "open", closesAt: 5007 });
    room.round = { ...room.round, phase: "locked" };
    expect(roundEntry(room)).not.toHaveProperty("closesAt");
  });
});

describe("journal moderation", () => {
  const moderated: Entry[] = [
    ...written,
    { e: "ban", room: "QUIZ", name: "Ann", token: "t".repeat(32) },
    { e: "kick", room: "QUIZ", id: "a1" },
    { e: "rename", room: "QUIZ", id: "b2", name: "Bea" },
  ];

  test("replays bans and renames", () => {
    const room = replay(moderated, 1_000_000).get("QUIZ");
    expect(room && isBanned(room.bans, { name: "ann" })).toBe(true);
    expect(room && isBanned(room.bans, { token: "t".repeat(32) })).toBe(true);
    expect([...(room?.players.values() ?? [])].map((p) => [p.id, p.name])).toEqual([["b2", "Bea"]]);
    expect([...(room?.names.keys() ?? [])]).toEqual(["bea"]);
  });

  test("parses ban and rename entries", () => {
    const text = `${moderated.map((e) => JSON.stringify(e)).join("\n")}\n`;
    expect(parseJournal(text)).toEqual({ entries: moderated, problems: [] });
  });

  test("reports ban and rename entries that lack a field", () => {
    const lines = [
      { e: "ban", room: "QUIZ", name: "Ann" },
      { e: "rename", room: "QUIZ", id: "b2", name: 7 },
    ];
    expect(parseJournal(lines.map((line) => JSON.stringify(line)).join("\n"))).toEqual({
      entries: [],
      problems: ['line 1: a "ban" entry needs token', 'line 2: a "rename" entry needs name'],
    });
  });

  test("snapshots keep the bans and the new names, in order", () => {
    const rooms = replay(moderated, 1_000_000);
    const entries = snapshot(rooms.values(), 1_000_000);
    expect(entries.filter((e) => e.e === "ban")).toEqual([
      { e: "ban", room: "QUIZ", name: "Ann", token: "t".repeat(32) },
    ]);
    const [before, after] = [rooms, replay(entries, 1_000_000)].map((r) => r.get("QUIZ"));
    expect(after?.bans).toEqual(before?.bans as Bans);
    expect(after?.players).toEqual(before?.players as Room["players"]);
    expect([...(after?.names.keys() ?? [])]).toEqual(["bea"]);
  });
});
