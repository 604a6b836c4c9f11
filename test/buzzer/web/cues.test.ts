import { describe, expect, test } from "bun:test";
import type { PlayerView, RoomView } from "../../../buzzer/protocol.ts";
import { cues, isLobby } from "../../../buzzer/web/cues.ts";
import { roomView } from "../view_fixture.ts";

const player = (id: string, lockedOut = false, late = false): PlayerView => ({
  id,
  name: id,
  connected: true,
  lockedOut,
  ...(late ? { late: true as const } : {}),
  points: 0,
});
const place = { id: "a", name: "a", place: 1, gap: 0, photo: false };
const view = (over: Partial<RoomView> = {}): RoomView =>
  roomView({
    room: "Q",
    version: 1,
    round: 1,
    phase: "locked",
    players: [player("a"), player("b")],
    ...over,
  });

describe("cues", () => {
  test("the first view of a room calls for nothing, whatever it shows", () => {
    expect(cues(null, view({ phase: "open", order: [place] }))).toEqual([]);
  });

  test("a round that opens calls for GO once", () => {
    const open = view({ phase: "open" });
    expect(cues(view(), open)).toEqual(["go"]);
    expect(cues(open, { ...open, playerCount: 3 })).toEqual([]);
    expect(cues(open, view({ round: 2, phase: "open" }))).toEqual(["go"]);
  });

  test("the first place of a round calls for a beep, later places do not", () => {
    const open = view({ phase: "open" });
    const first = view({ phase: "open", order: [place] });
    expect(cues(open, first)).toEqual(["first"]);
    expect(cues(first, { ...first, order: [place, { ...place, id: "b", place: 2 }] })).toEqual([]);
  });

  test("a player newly locked out calls for the false-start sound; one already out does not", () => {
    const out = view({ players: [player("a", true), player("b")] });
    expect(cues(view(), out)).toEqual(["falseStart"]);
    expect(cues(out, out)).toEqual([]);
    expect(cues(out, { ...out, round: 2, players: [player("a", true), player("b")] })).toEqual([
      "falseStart",
    ]);
  });

  test("a player locked out for a press after the round closed (too late) calls for no sound", () => {
    const late = view({ players: [player("a", true, true), player("b")] });
    expect(cues(view(), late)).toEqual([]);
  });

  test("the lobby lasts until the first round opens, has a buzz or gives points", () => {
    expect(isLobby(view())).toBe(true);
    expect(isLobby(view({ phase: "armed" }))).toBe(false);
    // Opened and locked with no buzz: played, not gathering.
    expect(isLobby(view({ lockedBy: "timer" }))).toBe(false);
    expect(isLobby(view({ lockedBy: "host" }))).toBe(false);
    expect(isLobby(view({ round: 2 }))).toBe(false);
    expect(isLobby(view({ scores: [{ id: "a", name: "a", points: 1, rank: 1 }] }))).toBe(false);
    expect(isLobby(view({ scores: [{ id: "a", name: "a", points: 0, rank: 1 }] }))).toBe(true);
  });

  test("the default room's first round, open from its start, gathers until its first buzz; a round a host opened does not", () => {
    expect(isLobby(view({ phase: "open", openFromStart: true }))).toBe(true);
    expect(isLobby(view({ phase: "open", openFromStart: true, order: [place] }))).toBe(false);
    expect(isLobby(view({ phase: "open" }))).toBe(false);
  });
});
