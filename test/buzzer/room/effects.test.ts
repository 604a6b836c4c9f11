import { describe, expect, test } from "bun:test";
import type { GatewayEffect } from "../../../buzzer/room/commands.ts";
import { NOT_KEPT, notKept } from "../../../buzzer/room/effects.ts";

describe("effects notKept", () => {
  test("tells each connection a lost step answered, once, that it was not kept; not a closed one, not the room", () => {
    const verdict = {
      type: "verdict" as const,
      round: 1,
      place: 1,
      gap: 0,
      photo: false,
      text: "first place!",
    };
    const out: GatewayEffect[] = [
      { type: "send", conn: "c1", msg: verdict },
      { type: "error", conn: "c1", code: "LOCKED_OUT", message: "you are locked out of this round" },
      { type: "bind", conn: "c2", room: "QUIZ", player: "p2", host: false, added: true },
      { type: "close", conn: "c3", code: 4004, reason: "resumed on another connection" },
      { type: "release", room: "QUIZ", round: 1, at: 0 },
    ];
    expect(notKept(out)).toEqual([
      { type: "error", conn: "c1", code: "UNAVAILABLE", message: NOT_KEPT },
      { type: "error", conn: "c2", code: "UNAVAILABLE", message: NOT_KEPT },
    ]);
    expect(notKept([])).toEqual([]);
  });
});
