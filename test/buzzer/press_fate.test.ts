import { describe, expect, test } from "bun:test";
import { LostPresses, type PressFate, pressFate } from "../../buzzer/press_fate.ts";
import type { ServerMessage } from "../../buzzer/protocol.ts";
import { roomView } from "./view_fixture.ts";

/** A player's snapshot of round 3, open, with no press of its own. */
const view = roomView({ lockedOut: false });
const lost = { round: 3, player: "p1" };
const NOT_SENT = "Your press did not reach the server before the connection dropped";

describe("pressFate", () => {
  test("a press the snapshot shows recorded in the same round is that standing, in words", () => {
    expect(pressFate(lost, "p1", { ...view, press: "pending" })).toEqual({
      fate: "pending",
      round: 3,
      text: "Your press reached the server: waiting for its result.",
    });
    expect(pressFate(lost, "p1", { ...view, press: "placed" }).text).toBe(
      "Your press reached the server and was placed.",
    );
    expect(pressFate(lost, "p1", { ...view, phase: "locked", lockedOut: true, press: "locked" }).text).toBe(
      "Your press reached the server: you are locked out of this round.",
    );
    expect(pressFate(lost, "p1", { ...view, press: "answered" }).text).toBe(
      "Your press reached the server: your team has answered this round.",
    );
  });

  test("a press missing from the same round's snapshot may be pressed again while the round is open", () => {
    expect(pressFate(lost, "p1", view)).toEqual({
      fate: "missing",
      round: 3,
      text: `${NOT_SENT}: you may press again.`,
    });
  });

  test("a press missing from a round armed or locked now says when, or that it is not open", () => {
    expect(pressFate(lost, "p1", { ...view, phase: "armed" }).text).toBe(
      `${NOT_SENT}: press again once the round opens.`,
    );
    expect(pressFate(lost, "p1", { ...view, phase: "locked" }).text).toBe(
      `${NOT_SENT}, and the round is not open now.`,
    );
  });

  test("a press in a round the room has left is one of a round that has ended, recorded or not", () => {
    const ended: PressFate = {
      fate: "ended",
      round: 3,
      text: "The connection dropped before your press in round 3 was answered, and that round has ended.",
    };
    expect(pressFate(lost, "p1", { ...view, round: 4 })).toEqual(ended);
    expect(pressFate(lost, "p1", { ...view, round: 4, press: "placed" })).toEqual(ended);
  });

  test("a server that welcomes the player under a new id forgot it: its round 3 is not the one pressed in", () => {
    expect(pressFate(lost, "p9", view).fate).toBe("ended");
  });
});

describe("LostPresses", () => {
  const missing: PressFate = { fate: "missing", round: 3, text: `${NOT_SENT}: you may press again.` };

  test("a press unanswered when the connection drops has its fate told once, from the next snapshot", () => {
    const presses = new LostPresses();
    presses.sent(view, "p1");
    presses.dropped();
    expect(presses.fate("p1", view)).toEqual(missing);
    expect(presses.fate("p1", view)).toBeNull();
  });

  test("a press answered by a verdict or a buzz's refusal before the drop has no fate to tell", () => {
    const verdict: ServerMessage = { type: "verdict", round: 3, place: 1, gap: 0, photo: false, text: "1st" };
    const refusal: ServerMessage = { type: "error", code: "LOCKED_OUT", message: "Locked out" };
    for (const answer of [verdict, refusal]) {
      const presses = new LostPresses();
      presses.sent(view, "p1");
      presses.heard(answer, true);
      presses.dropped();
      expect(presses.fate("p1", view)).toBeNull();
    }
  });

  test("a refusal heard before the join is the join's, not the press's: the press is still followed", () => {
    const presses = new LostPresses();
    presses.sent(view, "p1");
    presses.heard({ type: "error", code: "RATE_LIMITED", message: "Slow down" }, false);
    presses.dropped();
    expect(presses.fate("p1", view)).toEqual(missing);
  });

  test("a new press forgets a lost one, and a press before the first snapshot is not followed", () => {
    const presses = new LostPresses();
    presses.sent(view, "p1");
    presses.dropped();
    presses.sent(null, "p1");
    presses.dropped();
    expect(presses.fate("p1", view)).toBeNull();
  });

  test("an answer is the oldest unanswered press's: a ROUND_OVER for the round before does not answer the new round's press", () => {
    const presses = new LostPresses();
    const roundOver: ServerMessage = {
      type: "error",
      code: "ROUND_OVER",
      message: "that press was made in round 3, which is over",
    };
    const verdict: ServerMessage = { type: "verdict", round: 4, place: 1, gap: 0, photo: false, text: "1st" };
    presses.sent(view, "p1");
    presses.sent({ ...view, round: 4 }, "p1");
    expect(presses.heard(roundOver, true)).toBe(3);
    // The round 4 press still waits: a drop now leaves its fate to tell.
    presses.dropped();
    expect(presses.fate("p1", { ...view, round: 4 })?.round).toBe(4);
    presses.sent({ ...view, round: 4 }, "p1");
    expect(presses.heard(verdict, true)).toBe(4);
    // Nothing else was waiting: a message that answers no press says so.
    expect(presses.heard(verdict, true)).toBeNull();
    expect(presses.heard({ type: "alive" }, true)).toBeNull();
  });

  test("a press before the first snapshot is answered in no known round", () => {
    const presses = new LostPresses();
    presses.sent(null, "p1");
    expect(presses.heard({ type: "error", code: "ROUND_OVER", message: "over" }, true)).toBeNull();
  });
});
