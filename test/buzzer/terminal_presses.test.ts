import { describe, expect, test } from "bun:test";
import { Presses } from "../../buzzer/terminal_presses.ts";
import { roomView } from "./view_fixture.ts";

/** Round 3, open, as a player sees it. */
const view = roomView({ lockedOut: false });
const ALREADY = "Already buzzed this round";
const NOT_CONNECTED = "Not connected: the buzz goes out on reconnect";

describe("Presses", () => {
  test("a press goes out once; while it waits, a held key says why once, and its verdict is told once", () => {
    const presses = new Presses();
    expect(presses.press(view, true, true)).toEqual({ send: true, say: null });
    expect(presses.press(view, true, true)).toEqual({ send: false, say: ALREADY });
    expect(presses.press(view, true, true)).toEqual({ send: false, say: null });
    expect(presses.verdict(3)).toBe(true);
    expect(presses.awaiting).toBe(0);
    expect(presses.verdict(3)).toBe(false);
    expect(presses.press(view, true, true).send).toBe(false);
  });

  test("a press while not joined is queued and said so, and is awaited again after the join", () => {
    const presses = new Presses();
    expect(presses.press(view, false, true)).toEqual({ send: true, say: NOT_CONNECTED });
    expect(presses.press(view, false, true)).toEqual({ send: false, say: null });
    presses.connected();
    expect(presses.awaiting).toBe(1);
    presses.connected();
    expect(presses.awaiting).toBe(0);
  });

  test("a team's answer holds presses back until the next round", () => {
    const presses = new Presses();
    presses.press(view, true, true);
    presses.refused("TEAM_ANSWERED", 3);
    expect(presses.awaiting).toBe(0);
    expect(presses.press(view, true, true)).toEqual({
      send: false,
      say: "Your team has answered this round",
    });
    presses.newRound();
    expect(presses.press({ ...view, round: 4 }, true, true)).toEqual({ send: true, say: null });
  });

  test("a lost press the rejoin found recorded is awaited again; one the team answered holds presses back", () => {
    const presses = new Presses();
    presses.fate({ fate: "placed", round: 3, text: "" });
    expect(presses.awaiting).toBe(1);
    presses.newRound();
    presses.fate({ fate: "answered", round: 3, text: "" });
    expect(presses.press(view, true, true).send).toBe(false);
  });

  test("a round that locked the player out holds presses back", () => {
    expect(new Presses().press({ ...view, lockedOut: true }, true, true)).toEqual({
      send: false,
      say: "Locked out of this round",
    });
  });

  test("the refusal of a press made in the round before leaves the new round's press awaited", () => {
    const presses = new Presses();
    presses.press(view, true, true);
    presses.newRound();
    const next = { ...view, round: 4 };
    expect(presses.press(next, true, true).send).toBe(true);
    // ROUND_OVER for the round 3 press, whose buzz arrived after round 4 began.
    presses.refused("ROUND_OVER", 4, 3);
    expect(presses.awaiting).toBe(1);
    expect(presses.press(next, true, true)).toEqual({ send: false, say: ALREADY });
    // A refusal of this round's press, or of one in no known round, answers it.
    presses.refused("ROUND_OVER", 4, 4);
    expect(presses.awaiting).toBe(0);
    presses.press(next, true, true);
    presses.refused("ROUND_OVER", 4, null);
    expect(presses.awaiting).toBe(0);
  });
});
