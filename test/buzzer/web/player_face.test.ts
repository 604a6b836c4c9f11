import { describe, expect, test } from "bun:test";
import {
  bannedLine,
  type FaceInput,
  face,
  hostLine,
  myPlace,
  resultAfter,
  resultAfterRefusal,
  warnEarly,
} from "../../../buzzer/web/player_face.ts";
import { roomView } from "../view_fixture.ts";

const view = roomView({ room: "Q", version: 1, round: 1 });
const input = (over: Partial<FaceInput> = {}): FaceInput => ({
  online: true,
  joinedOnce: true,
  waitingFor: null,
  view,
  result: null,
  released: false,
  closed: false,
  count: undefined,
  ...over,
});
const second = { id: "b", name: "b", place: 2, gap: 0.01, photo: true };

describe("player face", () => {
  test("the winner sees a photo finish when the second place is one, though its own verdict said none", () => {
    const won = { kind: "placed", place: 1, gap: 0, photo: false } as const;
    expect(face(input({ result: won })).small).toBe("1st place");
    const close = face(
      input({ result: won, view: { ...view, order: [{ ...second, place: 1, id: "a" }, second] } }),
    );
    expect(close).toEqual({
      state: "first",
      big: "You were first!",
      small: "Photo finish",
      said: "You were first! Photo finish",
    });
  });

  test("a teammate's earlier buzz reads as the team having answered, naming who buzzed when the server did", () => {
    expect(face(input({ result: { kind: "out", why: "TEAM_ANSWERED" } }))).toEqual({
      state: "team",
      big: "Team answered",
      small: "A teammate buzzed first",
      said: "Team answered: A teammate buzzed first",
    });
    const named = { kind: "out", why: "TEAM_ANSWERED", message: "ann buzzed first for team Cats" } as const;
    expect(face(input({ result: named }))).toEqual({
      state: "team",
      big: "Team answered",
      small: "Ann buzzed first for team Cats",
      said: "Team answered: Ann buzzed first for team Cats",
    });
  });

  test("a false start reads the same from its refusal and from a snapshot after a reload, a later press's LOCKED_OUT included", () => {
    const message = "too late: the round had closed, so you are locked out of it";
    // Said as it is shown: a press after the round had closed is no false start.
    const said = {
      state: "out",
      big: "Locked out",
      small: "Too late: the round had closed, so you are locked out of it",
      said: "Too late: the round had closed, so you are locked out of it",
    };
    expect(face(input({ result: { kind: "out", why: "FALSE_START", message } }))).toEqual(said);
    const reloaded = { ...view, phase: "locked", lockedOut: true, falseStart: "late" } as const;
    expect(face(input({ view: reloaded }))).toEqual(said);
    const again = { kind: "out", why: "LOCKED_OUT", message: "you are locked out of this round" } as const;
    expect(face(input({ view: reloaded, result: again }))).toEqual(said);
    expect(face(input({ view: { ...reloaded, falseStart: "early" } })).small).toBe(
      "Too early: you are locked out of this round",
    );
  });

  test("a ban reads as one sentence naming the room and saying it is for good", () => {
    expect(bannedLine("QUIZ")).toBe("The host removed you from room QUIZ: you cannot join it again.");
  });

  test("a round this page saw open, locked again, reads as closed: a press is too late, and nothing warns it is early", () => {
    const closed = face(input({ view: { ...view, phase: "locked" }, closed: true }));
    expect(closed).toEqual({
      state: "closed",
      big: "Closed",
      small: "A press now is too late",
      said: "Buzzers closed",
    });
    expect(warnEarly(closed)).toBe(false);
    // Not seen open (a page opened after it closed, or a round the host has not opened): wait, as ever.
    expect(face(input({ view: { ...view, phase: "locked" } })).state).toBe("locked");
  });

  test("pressing early is warned of before GO only", () => {
    expect(warnEarly(face(input({ view: { ...view, phase: "locked" } })))).toBe(true);
    expect(warnEarly(face(input({ view: { ...view, phase: "armed" }, count: "2" })))).toBe(true);
    expect(warnEarly(face(input()))).toBe(false);
    expect(warnEarly(face(input({ result: { kind: "pending" } })))).toBe(false);
  });

  test("the host line speaks only when no host runs the room, naming the default room's rule", () => {
    expect(hostLine(view, true)).toBe("");
    expect(hostLine({ ...view, hosted: false }, true)).toBe(
      "No host yet — in the default room the first buzz wins",
    );
    expect(hostLine({ ...view, hosted: false }, false)).toBe("No host connected right now");
    expect(hostLine(null, true)).toBe("");
  });

  test("a place past the top ten is shown under the order with the host's mark once it is given", () => {
    const twelfth = { kind: "placed" as const, place: 12, gap: 0.81, photo: false };
    expect(myPlace(twelfth)).toBe("… 12th: you +0.81 s");
    expect(myPlace(twelfth, "right")).toBe("… 12th: you +0.81 s · ✓ right");
    expect(myPlace({ ...twelfth, photo: true }, "wrong")).toBe(
      "… 12th: you +0.81 s · photo finish · ✗ wrong",
    );
    expect(myPlace({ ...twelfth, place: 10 }, "right")).toBe("");
  });

  test("a press lost with the connection shows as recorded, or leaves the button live", () => {
    const after = (fate: "pending" | "placed" | "locked" | "answered" | "missing" | "ended") =>
      resultAfter({ fate, round: 1, text: "" });
    expect(after("pending")).toEqual({ kind: "pending" });
    // A placed press's verdict comes right after the snapshot; until then it is waited for.
    expect(after("placed")).toEqual({ kind: "pending" });
    expect(after("answered")).toEqual({ kind: "out", why: "TEAM_ANSWERED" });
    // A lockout shows from the snapshot's lockedOut.
    expect(after("locked")).toBeNull();
    expect(after("missing")).toBeNull();
    expect(after("ended")).toBeNull();
    expect(face(input({ view: { ...view, lockedOut: true }, result: after("locked") })).big).toBe(
      "Locked out",
    );
  });

  test("a refusal that takes no place answers this round's pending press, not one made in an earlier round", () => {
    const pending = { kind: "pending" } as const;
    expect(resultAfterRefusal(pending, 1, 1)).toBeNull();
    expect(resultAfterRefusal(pending, null, 1)).toBeNull();
    // ROUND_OVER for a round 1 press whose buzz arrived after round 2 began: round 2's press still waits.
    expect(resultAfterRefusal(pending, 1, 2)).toEqual(pending);
    const placed = { kind: "placed", place: 1, gap: 0, photo: false } as const;
    expect(resultAfterRefusal(placed, 2, 2)).toEqual(placed);
    expect(
      face(input({ view: { ...view, round: 2 }, result: resultAfterRefusal(pending, 1, 2) })).state,
    ).toBe(face(input({ view: { ...view, round: 2 }, result: pending })).state);
  });
});
