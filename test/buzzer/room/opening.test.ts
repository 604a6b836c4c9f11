import { describe, expect, test } from "bun:test";
import { MIN_SECRET, mayOpen, type OpeningRules } from "../../../buzzer/room/opening.ts";
import { newRoom, type Room } from "../../../buzzer/room/state.ts";

const RULES: OpeningRules = { mainSecret: "main", privateRooms: false, maxRooms: 3, roomsPerAddress: 2 };
const rooms = (...list: [string, string][]) =>
  new Map<string, Room>(list.map(([code, by]) => [code, newRoom(code, "secret-1234", "locked", by)]));
const join = (secret?: string, address = "10.0.0.1") => ({ room: "QUIZ", secret, address });

describe("mayOpen", () => {
  test("opens a room for a host's secret of MIN_SECRET characters or more", () => {
    expect(MIN_SECRET).toBe(8);
    expect(mayOpen(rooms(), join("12345678"), RULES)).toEqual({ ok: true, secret: "12345678" });
  });

  test("refuses a join without a secret, which names a room that is not open", () => {
    expect(mayOpen(rooms(), join(), RULES)).toEqual({
      ok: false,
      code: "NO_SUCH_ROOM",
      message: "no room QUIZ (a host opens it first)",
    });
  });

  test("refuses a short secret, except the server's own", () => {
    expect(mayOpen(rooms(), join("1234567"), RULES)).toEqual({
      ok: false,
      code: "BAD_SECRET",
      message: "a new room's secret needs at least 8 characters",
    });
    expect(mayOpen(rooms(), join("main"), RULES)).toEqual({ ok: true, secret: "main" });
  });

  test("with privateRooms, opens rooms for the server's secret only", () => {
    const rules = { ...RULES, privateRooms: true };
    expect(mayOpen(rooms(), join("12345678"), rules)).toEqual({
      ok: false,
      code: "BAD_SECRET",
      message: "only the server's secret opens new rooms here",
    });
    expect(mayOpen(rooms(), join("main"), rules).ok).toBe(true);
  });

  test("bounds the rooms open in all and per address", () => {
    expect(mayOpen(rooms(["A", "x"], ["B", "x"], ["C", "y"]), join("12345678"), RULES)).toEqual({
      ok: false,
      code: "TOO_MANY_ROOMS",
      message: "no more rooms can be opened",
    });
    expect(mayOpen(rooms(["A", "10.0.0.1"], ["B", "10.0.0.1"]), join("12345678"), RULES)).toEqual({
      ok: false,
      code: "TOO_MANY_ROOMS",
      message: "your address holds 2 rooms already: they close when idle",
    });
    expect(mayOpen(rooms(["A", "10.0.0.1"], ["B", "10.0.0.2"]), join("12345678"), RULES).ok).toBe(true);
  });
});
