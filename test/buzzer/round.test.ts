import { describe, expect, test } from "bun:test";
import {
  arm,
  type BuzzResult,
  buzz,
  buzzAll as decideAll,
  forgive,
  lock,
  newRound,
  nextSettle,
  type Placed,
  type Press,
  type Round,
  release,
  reset,
  settle,
  standing,
  standings,
} from "../../buzzer/round.ts";

/** A buzz input: corrected press, arrival (defaults to the press) and uncertainty (defaults to 0). */
function at(player: string, press: number, arrival = press, uncertainty = 0): Omit<Press, "asks"> {
  return { player, press, arrival, uncertainty };
}

/** The round after an accepted buzz; fails the test if the buzz was refused. */
function accepted(result: BuzzResult): Round {
  if (!result.ok) throw new Error(`buzz refused with ${result.code}`);
  return result.round;
}

/** Applies buzzes in order, each of which must be accepted. */
function buzzAll(round: Round, ...inputs: Omit<Press, "asks">[]): Round {
  return inputs.reduce((r, input) => accepted(buzz(r, input)), round);
}

/** Settles with no max-wait pressure: everything at or before `horizon` is placed. */
function settleTo(round: Round, horizon: number): { round: Round; placed: Placed[] } {
  return settle(round, horizon, horizon, Number.POSITIVE_INFINITY);
}

/** Freezes an object and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const open = (number = 1) => newRound(number, "open");

describe("round", () => {
  describe("newRound", () => {
    test("starts locked by default with nothing recorded", () => {
      expect(newRound(1)).toStrictEqual({
        number: 1,
        phase: "locked",
        releaseAt: null,
        startedAt: null,
        lockedAt: null,
        earlier: null,
        pending: [],
        placed: [],
        lockedOut: [],
        answered: [],
      });
    });

    test("starts open when asked, with no release time", () => {
      expect(newRound(7, "open")).toStrictEqual({
        number: 7,
        phase: "open",
        releaseAt: null,
        startedAt: null,
        lockedAt: null,
        earlier: null,
        pending: [],
        placed: [],
        lockedOut: [],
        answered: [],
      });
    });
  });

  describe("arm", () => {
    test("opens a locked round now with releaseAt set to now", () => {
      const r = arm(newRound(1), 1000);
      expect(r.phase).toBe("open");
      expect(r.releaseAt).toBe(1000);
    });

    test("opens now when the countdown is 0", () => {
      expect(arm(newRound(1), 1000, 0)).toStrictEqual({ ...newRound(1), phase: "open", releaseAt: 1000 });
    });

    test("arms a locked round to release at now plus the countdown", () => {
      expect(arm(newRound(1), 1000, 3000)).toStrictEqual({ ...newRound(1), phase: "armed", releaseAt: 4000 });
    });

    test("opens now when the countdown is negative", () => {
      const r = arm(newRound(1), 1000, -5);
      expect(r.phase).toBe("open");
      expect(r.releaseAt).toBe(1000);
    });

    test("returns an open round unchanged", () => {
      const r = arm(newRound(1), 1000);
      expect(arm(r, 2000)).toBe(r);
      expect(arm(r, 2000, 3000)).toBe(r);
      const fromStart = open();
      expect(arm(fromStart, 2000, 3000)).toBe(fromStart);
    });

    test("re-arms an armed round to release sooner, or opens it now", () => {
      const armed = arm(newRound(1), 1000, 3000);
      expect(arm(armed, 2000, 500)).toMatchObject({ phase: "armed", releaseAt: 2500 });
      expect(arm(armed, 2000)).toMatchObject({ phase: "open", releaseAt: 2000 });
    });

    test("never moves an armed round's release later: a second Countdown keeps the GO players count to", () => {
      const armed = arm(newRound(1), 1000, 3000);
      expect(arm(armed, 1200, 3000)).toBe(armed);
      expect(arm(armed, 2000, 2000)).toBe(armed);
    });

    test("keeps the round's number, presses and lockouts", () => {
      const withPress = accepted(buzz(open(3), at("a", 10)));
      const refused = buzz(lock(withPress), at("b", 20));
      const r = arm(refused.round, 1000, 200);
      expect(r.number).toBe(3);
      expect(r.pending).toEqual([{ ...at("a", 10), asks: 1 }]);
      expect(r.lockedOut).toEqual(["b"]);
    });
  });

  describe("release", () => {
    const armed = arm(newRound(1), 1000, 3000);

    test("keeps an armed round armed before releaseAt", () => {
      expect(release(armed, 3999)).toBe(armed);
    });

    test("opens an armed round at releaseAt, keeping releaseAt", () => {
      expect(release(armed, 4000)).toStrictEqual({ ...armed, phase: "open", releaseAt: 4000 });
    });

    test("opens an armed round after releaseAt", () => {
      expect(release(armed, 9000)).toStrictEqual({ ...armed, phase: "open", releaseAt: 4000 });
    });

    test("leaves a locked round locked", () => {
      const locked = newRound(1);
      expect(release(locked, 1e9)).toBe(locked);
    });

    test("leaves an open round unchanged", () => {
      const r = arm(newRound(1), 1000);
      expect(release(r, 5000)).toBe(r);
    });
  });

  describe("lock", () => {
    test("locks an open round, keeping everything else", () => {
      const r = buzzAll(arm(newRound(2), 100), at("a", 150));
      expect(lock(r)).toStrictEqual({ ...r, phase: "locked" });
    });

    test("locks an armed round", () => {
      const armed = arm(newRound(1), 1000, 3000);
      expect(lock(armed)).toStrictEqual({ ...armed, phase: "locked" });
    });

    test("keeps a locked round locked", () => {
      expect(lock(newRound(1))).toStrictEqual(newRound(1));
    });
  });

  describe("reset", () => {
    test("starts the next round locked with order, pending and lockouts cleared", () => {
      let r = buzzAll(open(4), at("a", 100), at("b", 200));
      r = settleTo(r, 100).round;
      r = lock(r);
      r = buzz(r, at("c", 300)).round;
      expect(r.placed).toHaveLength(1);
      expect(r.pending).toHaveLength(1);
      expect(r.lockedOut).toEqual(["c"]);
      expect(reset(r, 400)).toStrictEqual({
        number: 5,
        phase: "locked",
        releaseAt: null,
        startedAt: 400,
        lockedAt: null,
        earlier: null,
        pending: [],
        placed: [],
        lockedOut: [],
        answered: [],
      });
    });

    test("resets an armed round to locked", () => {
      expect(reset(arm(newRound(1), 0, 1000), 1200)).toStrictEqual(newRound(2, "locked", 1200));
    });
  });

  describe("buzz", () => {
    test("records the first buzz as pending with one ask", () => {
      const result = buzz(open(), at("a", 100, 120, 3));
      expect(result).toStrictEqual({
        ok: true,
        repeat: null,
        round: { ...open(), pending: [{ player: "a", press: 100, arrival: 120, uncertainty: 3, asks: 1 }] },
      });
    });

    test("keeps pending presses in press order, not arrival order", () => {
      const r = buzzAll(open(), at("late", 200, 210), at("early", 100, 220));
      expect(r.pending.map((p) => p.player)).toEqual(["early", "late"]);
    });

    test("keeps pending presses in press order across batches that arrive out of order", () => {
      // A seeded shuffle: 300 presses in batches of 1 to 40, each batch in any order.
      let seed = 7;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      let r = open();
      const all: Omit<Press, "asks">[] = [];
      for (let k = 0; all.length < 300; k++) {
        const batch = Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) =>
          at(`p${k}-${i}`, Math.floor(k * 10 + random() * 60), k * 10 + 60),
        );
        all.push(...batch);
        r = decideAll(r, batch).round;
        const inOrder = [...r.pending].sort(
          (a, b) => a.press - b.press || a.arrival - b.arrival || (a.player < b.player ? -1 : 1),
        );
        expect(r.pending.map((p) => p.player)).toEqual(inOrder.map((p) => p.player));
      }
      expect(r.pending).toHaveLength(all.length);
    });

    test("places the first buzz first", () => {
      const r = buzzAll(open(), at("a", 100), at("b", 150));
      const { placed } = settleTo(r, 1000);
      expect(placed).toStrictEqual([
        { player: "a", press: 100, arrival: 100, uncertainty: 0, asks: 1, place: 1, gap: 0, photo: false },
        { player: "b", press: 150, arrival: 150, uncertainty: 0, asks: 1, place: 2, gap: 50, photo: false },
      ]);
    });

    test("orders by corrected press, not arrival", () => {
      const r = buzzAll(open(), at("a", 100, 150), at("b", 90, 160));
      const { placed } = settleTo(r, 200);
      expect(placed.map((p) => [p.player, p.place, p.gap])).toEqual([
        ["b", 1, 0],
        ["a", 2, 10],
      ]);
    });

    test("places a later-arriving earlier press first when it arrives within the horizon", () => {
      const reach = 50;
      let r = buzzAll(open(), at("a", 100, 110));
      const first = settle(r, 120, 120 - reach, 1000);
      expect(first.placed).toEqual([]);
      r = buzzAll(first.round, at("b", 95, 130));
      const second = settle(r, 160, 160 - reach, 1000);
      expect(second.placed.map((p) => [p.player, p.place, p.gap])).toEqual([
        ["b", 1, 0],
        ["a", 2, 5],
      ]);
      expect(second.round.pending).toEqual([]);
    });

    test("breaks an exact press tie by earlier arrival", () => {
      const r = buzzAll(open(), at("a", 100, 120), at("b", 100, 110));
      const { placed } = settleTo(r, 100);
      expect(placed.map((p) => [p.player, p.place, p.gap, p.photo])).toEqual([
        ["b", 1, 0, false],
        ["a", 2, 0, false],
      ]);
    });

    test("breaks an exact press and arrival tie by player id", () => {
      const r = buzzAll(open(), at("bob", 100, 110), at("alice", 100, 110), at("carol", 100, 110));
      const { placed } = settleTo(r, 100);
      expect(placed.map((p) => p.player)).toEqual(["alice", "bob", "carol"]);
    });

    test("answers a repeat while pending with pending and counts the ask", () => {
      const r1 = buzzAll(open(), at("a", 100, 110, 4));
      const second = buzz(r1, at("a", 50, 130, 9));
      expect(second.ok).toBe(true);
      expect(second.ok && second.repeat).toBe("pending");
      expect(second.round.pending).toStrictEqual([
        { player: "a", press: 100, arrival: 110, uncertainty: 4, asks: 2 },
      ]);
      const third = buzz(second.round, at("a", 40, 140));
      expect(third.ok && third.repeat).toBe("pending");
      expect(third.round.pending[0]?.asks).toBe(3);
    });

    test("ignores a repeat's press time when ordering", () => {
      let r = buzzAll(open(), at("a", 100), at("b", 120));
      r = accepted(buzz(r, at("b", 50)));
      const { placed } = settleTo(r, 200);
      expect(placed.map((p) => [p.player, p.press])).toEqual([
        ["a", 100],
        ["b", 120],
      ]);
    });

    test("answers a repeat after placing with the same placed verdict and counts the ask", () => {
      const settled = settleTo(buzzAll(open(), at("a", 100), at("b", 130, 140, 2)), 200);
      const original = settled.placed[1] as Placed;
      const again = buzz(settled.round, at("b", 10, 500, 1));
      expect(again).toStrictEqual({
        ok: true,
        repeat: { ...original, asks: 2 },
        round: { ...settled.round, placed: [settled.placed[0] as Placed, { ...original, asks: 2 }] },
      });
      const third = buzz(again.round, at("b", 10, 600));
      expect(third.ok && third.repeat).toStrictEqual({
        player: "b",
        press: 130,
        arrival: 140,
        uncertainty: 2,
        asks: 3,
        place: 2,
        gap: 30,
        photo: false,
      });
    });

    test("answers a placed player's repeat even after the round is locked", () => {
      const settled = settleTo(buzzAll(open(), at("a", 100)), 100);
      const result = buzz(lock(settled.round), at("a", 300));
      expect(result.ok).toBe(true);
      expect(result.ok && result.repeat).toStrictEqual({ ...(settled.placed[0] as Placed), asks: 2 });
      expect(result.round.lockedOut).toEqual([]);
    });

    test("answers a pending player's repeat even after the round is locked", () => {
      const r = lock(buzzAll(open(), at("a", 100)));
      const result = buzz(r, at("a", 300));
      expect(result.ok && result.repeat).toBe("pending");
      expect(result.round.lockedOut).toEqual([]);
    });

    test("gives each place its gap behind the winner's press", () => {
      const r = buzzAll(open(), at("c", 175), at("a", 100), at("b", 130));
      const { placed } = settleTo(r, 200);
      expect(placed.map((p) => [p.player, p.place, p.gap])).toEqual([
        ["a", 1, 0],
        ["b", 2, 30],
        ["c", 3, 75],
      ]);
    });

    test("measures gaps from a winner placed by an earlier settle", () => {
      const first = settleTo(buzzAll(open(), at("a", 100), at("b", 180)), 120);
      expect(first.placed.map((p) => p.player)).toEqual(["a"]);
      const second = settleTo(buzzAll(first.round, at("c", 150)), 200);
      expect(second.placed.map((p) => [p.player, p.place, p.gap])).toEqual([
        ["c", 2, 50],
        ["b", 3, 80],
      ]);
    });
  });

  describe("lockouts", () => {
    test("locks out a buzz while locked as a false start", () => {
      const r = newRound(1);
      expect(buzz(r, at("a", 100))).toStrictEqual({
        ok: false,
        code: "FALSE_START",
        round: { ...r, lockedOut: ["a"] },
      });
    });

    test("refuses a later buzz from a locked-out player with LOCKED_OUT", () => {
      const out = buzz(newRound(1), at("a", 100)).round;
      const opened = arm(out, 200);
      const again = buzz(opened, at("a", 300));
      expect(again).toStrictEqual({ ok: false, code: "LOCKED_OUT", round: opened });
      expect(again.round).toBe(opened);
    });

    test("locks out a buzz after the host locks an open round", () => {
      const r = lock(buzzAll(open(), at("a", 100)));
      const result = buzz(r, at("b", 110));
      expect(result.ok).toBe(false);
      expect(!result.ok && result.code).toBe("FALSE_START");
      expect(result.round.lockedOut).toEqual(["b"]);
      expect(result.round.pending.map((p) => p.player)).toEqual(["a"]);
    });

    test("locks out only the player who buzzed early", () => {
      const out = buzz(newRound(1), at("a", 100)).round;
      const r = arm(out, 200);
      const result = buzz(r, at("b", 300));
      expect(result.ok).toBe(true);
      expect(result.round.lockedOut).toEqual(["a"]);
    });

    test("records each early player once in the lockouts", () => {
      let r = newRound(1);
      r = buzz(r, at("a", 100)).round;
      r = buzz(r, at("b", 110)).round;
      r = buzz(r, at("a", 120)).round;
      expect(r.lockedOut).toEqual(["a", "b"]);
    });

    test("locks out a press before releaseAt while armed", () => {
      const armed = arm(newRound(1), 1000, 3000);
      const result = buzz(armed, at("a", 3999, 4001));
      expect(result).toStrictEqual({ ok: false, code: "FALSE_START", round: { ...armed, lockedOut: ["a"] } });
    });

    test("accepts a press at releaseAt while the phase is still armed", () => {
      const armed = arm(newRound(1), 1000, 3000);
      const result = buzz(armed, at("a", 4000, 4010));
      expect(result.ok).toBe(true);
      expect(result.round.phase).toBe("armed");
      expect(result.round.pending).toStrictEqual([
        { player: "a", press: 4000, arrival: 4010, uncertainty: 0, asks: 1 },
      ]);
    });

    test("accepts a press after releaseAt while the phase is still armed", () => {
      const armed = arm(newRound(1), 1000, 3000);
      const result = buzz(armed, at("a", 4001));
      expect(result.ok && result.repeat).toBeNull();
      expect(result.round.phase).toBe("armed");
    });

    test("locks out a press before the open time of a round armed now", () => {
      const r = arm(newRound(1), 1000);
      expect(buzz(r, at("a", 999, 1005)).ok).toBe(false);
      expect(buzz(r, at("a", 1000, 1005)).ok).toBe(true);
    });

    test("gives a press within its uncertainty before release the benefit of the doubt, at the release", () => {
      const armed = arm(newRound(1), 1000, 3000);
      const result = buzz(armed, at("a", 3995, 4010, 5));
      expect(result.ok && result.repeat).toBeNull();
      expect(result.round.pending).toStrictEqual([
        { player: "a", press: 4000, arrival: 4010, uncertainty: 5, asks: 1 },
      ]);
    });

    test("locks out a press more than its uncertainty before release", () => {
      const armed = arm(newRound(1), 1000, 3000);
      const result = buzz(armed, at("a", 3994, 4010, 5));
      expect(result).toStrictEqual({ ok: false, code: "FALSE_START", round: { ...armed, lockedOut: ["a"] } });
    });

    test("keeps the press time of a press after release", () => {
      const r = arm(newRound(1), 1000);
      const result = buzz(r, at("a", 1003, 1010, 5));
      expect(result.round.pending[0]?.press).toBe(1003);
    });

    test("orders presses given the benefit of the doubt by arrival, as a tie at the release", () => {
      const r = buzzAll(arm(newRound(1), 1000), at("b", 990, 1020, 15), at("a", 995, 1010, 10));
      const { placed } = settleTo(r, 1000);
      expect(placed.map((p) => [p.player, p.press, p.place, p.gap, p.photo])).toEqual([
        ["a", 1000, 1, 0, false],
        ["b", 1000, 2, 0, true],
      ]);
    });

    test("accepts any press in a round open from the start", () => {
      const result = buzz(open(), at("a", -1e6));
      expect(result.ok).toBe(true);
    });

    test("clears lockouts on reset", () => {
      const out = buzz(newRound(1), at("a", 100)).round;
      const next = arm(reset(out, 200), 200);
      expect(standing(next, "a")).toBeUndefined();
      const result = buzz(next, at("a", 300));
      expect(result.ok && result.repeat).toBeNull();
    });
  });

  describe("a press from the round before", () => {
    // Its buzz arrives after the host's new round: it was pressed in a round that is over.
    test("is refused with ROUND_OVER when made before the round began, beyond its uncertainty", () => {
      const next = arm(reset(open(), 1000), 1000);
      const result = buzz(next, at("a", 990, 1010, 5));
      expect(result).toStrictEqual({ ok: false, code: "ROUND_OVER", round: next });
      expect(standing(result.round, "a")).toBeUndefined();
      expect(accepted(buzz(result.round, at("a", 1020))).pending.map((p) => p.player)).toEqual(["a"]);
    });

    test("counts one within its uncertainty of the start, placed at the release", () => {
      const next = arm(reset(open(), 1000), 1000);
      const round = accepted(buzz(next, at("a", 996, 1010, 5)));
      expect(round.pending).toEqual([{ player: "a", press: 1000, arrival: 1010, uncertainty: 5, asks: 1 }]);
    });

    test("is a false start when made after the round began, while it is still locked", () => {
      const result = buzz(reset(open(), 1000), at("a", 1005));
      expect(result.ok ? null : result.code).toBe("FALSE_START");
    });
  });

  describe("a press heard after the lock", () => {
    test("is recorded like any other when made before the lock: the window may still be waiting for it", () => {
      const locked = lock(open(), 1000);
      expect(locked.lockedAt).toBe(1000);
      const round = accepted(buzz(locked, at("a", 995, 1010, 6)));
      expect(round.pending).toEqual([{ player: "a", press: 995, arrival: 1010, uncertainty: 6, asks: 1 }]);
    });

    test("is refused with ROUND_OVER, locking no one out, when it may or may not have been made before it", () => {
      const locked = lock(open(), 1000);
      expect(buzz(locked, at("a", 1003, 1010, 6))).toStrictEqual({
        ok: false,
        code: "ROUND_OVER",
        round: locked,
      });
    });

    test("is a false start when made after the lock beyond its uncertainty, or when the lock's time is unknown", () => {
      const refused = (r: BuzzResult) => (r.ok ? null : r.code);
      expect(refused(buzz(lock(open(), 1000), at("a", 1007, 1010, 6)))).toBe("FALSE_START");
      expect(refused(buzz(lock(open()), at("a", 995, 1010, 6)))).toBe("FALSE_START");
    });

    test("is a false start when made before the release, beyond doubt, whenever the lock came", () => {
      const locked = lock(release(arm(newRound(1), 900, 100), 1000), 1010);
      const result = buzz(locked, at("a", 940, 1020, 20));
      expect(result.ok ? null : result.code).toBe("FALSE_START");
    });

    test("counts a press at the lock itself as perhaps after it, and one its uncertainty later as after it", () => {
      const code = (r: BuzzResult) => (r.ok ? "recorded" : r.code);
      const locked = lock(open(), 1000);
      expect(code(buzz(locked, at("a", 999.9, 1010, 6)))).toBe("recorded");
      expect(code(buzz(locked, at("a", 1000, 1010, 6)))).toBe("ROUND_OVER");
      expect(code(buzz(locked, at("a", 1006, 1010, 6)))).toBe("FALSE_START");
    });

    test("has no lock time in a round locked before it ever opened: every press in it is a false start", () => {
      const never = lock(reset(open(), 900), 1000);
      expect(never.lockedAt).toBeNull();
      const armed = lock(arm(reset(open(), 900), 950, 100), 1000);
      expect(armed.lockedAt).toBeNull();
      for (const r of [never, armed]) {
        const result = buzz(r, at("a", 990, 1010, 6));
        expect(result.ok ? null : result.code).toBe("FALSE_START");
      }
    });

    test("keeps the moment of the first lock: locking a locked round again does not move it", () => {
      expect(lock(lock(open(), 1000), 2000).lockedAt).toBe(1000);
    });
  });

  describe("settle", () => {
    test("places nothing before the horizon reaches the earliest press", () => {
      const r = buzzAll(open(), at("a", 100, 110));
      const result = settle(r, 120, 99, 1000);
      expect(result.placed).toEqual([]);
      expect(result.round).toBe(r);
    });

    test("places nothing when nothing is pending", () => {
      const r = open();
      expect(settle(r, 1e9, 1e9, 0)).toStrictEqual({ round: r, placed: [], answered: [] });
    });

    test("places a press once the horizon reaches it exactly", () => {
      const r = buzzAll(open(), at("a", 100, 110));
      const result = settle(r, 120, 100, 1000);
      expect(result.placed.map((p) => p.player)).toEqual(["a"]);
      expect(result.round.pending).toEqual([]);
      expect(result.round.placed).toEqual(result.placed);
    });

    test("places the prefix in press order up to the horizon", () => {
      const r = buzzAll(open(), at("c", 140), at("a", 100), at("b", 120));
      const first = settleTo(r, 125);
      expect(first.placed.map((p) => [p.player, p.place])).toEqual([
        ["a", 1],
        ["b", 2],
      ]);
      expect(first.round.pending.map((p) => p.player)).toEqual(["c"]);
      const second = settleTo(first.round, 140);
      expect(second.placed.map((p) => [p.player, p.place, p.gap])).toEqual([["c", 3, 40]]);
      expect(second.round.placed.map((p) => p.player)).toEqual(["a", "b", "c"]);
      expect(second.round.pending).toEqual([]);
    });

    test("places a press that has waited maxWait though the horizon has not reached it", () => {
      const r = buzzAll(open(), at("a", 100, 110));
      expect(settle(r, 159, 50, 50).placed).toEqual([]);
      expect(settle(r, 160, 50, 50).placed.map((p) => [p.player, p.place])).toEqual([["a", 1]]);
    });

    test("places only the presses that are ready when later ones are not", () => {
      const r = buzzAll(open(), at("a", 100, 110), at("b", 105, 150));
      const result = settle(r, 160, 50, 50);
      expect(result.placed.map((p) => p.player)).toEqual(["a"]);
      expect(result.round.pending.map((p) => p.player)).toEqual(["b"]);
    });

    test("places a straggler earlier than a placed press after it, never ahead", () => {
      const first = settleTo(buzzAll(open(), at("w", 100), at("s", 120)), 130);
      expect(first.placed.map((p) => [p.player, p.gap])).toEqual([
        ["w", 0],
        ["s", 20],
      ]);
      const straggler = buzzAll(first.round, at("x", 110, 400));
      const second = settle(straggler, 450, 200, 30);
      expect(second.placed).toStrictEqual([
        { player: "x", press: 120, arrival: 400, uncertainty: 0, asks: 1, place: 3, gap: 20, photo: false },
      ]);
      expect(second.round.placed.map((p) => [p.player, p.place])).toEqual([
        ["w", 1],
        ["s", 2],
        ["x", 3],
      ]);
    });

    test("places a straggler earlier than the winner after the winner with gap 0", () => {
      const first = settleTo(buzzAll(open(), at("w", 100)), 100);
      const second = settleTo(buzzAll(first.round, at("x", 60, 300)), 300);
      expect(second.placed.map((p) => [p.player, p.place, p.press, p.gap])).toEqual([["x", 2, 100, 0]]);
    });

    test("flags a photo finish for a straggler clamped onto a place with uncertainty", () => {
      const first = settleTo(buzzAll(open(), at("w", 100, 100, 3)), 100);
      const second = settleTo(buzzAll(first.round, at("x", 60, 300, 1)), 300);
      expect(second.placed[0]?.photo).toBe(true);
    });

    test("flags a photo finish when two presses are closer than their combined uncertainty", () => {
      const r = buzzAll(open(), at("a", 100, 100, 5), at("b", 109, 109, 5));
      const { placed } = settleTo(r, 200);
      expect(placed.map((p) => [p.player, p.photo])).toEqual([
        ["a", false],
        ["b", true],
      ]);
    });

    test("flags no photo finish when presses are exactly their combined uncertainty apart", () => {
      const r = buzzAll(open(), at("a", 100, 100, 5), at("b", 110, 110, 5));
      expect(settleTo(r, 200).placed[1]?.photo).toBe(false);
    });

    test("flags no photo finish when presses are farther apart than their combined uncertainty", () => {
      const r = buzzAll(open(), at("a", 100, 100, 5), at("b", 130, 130, 5));
      expect(settleTo(r, 200).placed[1]?.photo).toBe(false);
    });

    test("flags a photo finish against the place before, not the winner", () => {
      const r = buzzAll(open(), at("a", 100, 100, 5), at("b", 130, 130, 5), at("c", 135, 135, 5));
      expect(settleTo(r, 200).placed.map((p) => p.photo)).toEqual([false, false, true]);
    });

    test("flags a photo finish against a place settled by an earlier call", () => {
      const first = settleTo(buzzAll(open(), at("a", 100, 100, 2), at("b", 103, 103, 2)), 100);
      expect(first.placed.map((p) => p.player)).toEqual(["a"]);
      const second = settleTo(first.round, 200);
      expect(second.placed.map((p) => [p.player, p.place, p.gap, p.photo])).toEqual([["b", 2, 3, true]]);
    });

    test("returns only the presses placed by this call, in place order", () => {
      const first = settleTo(buzzAll(open(), at("a", 100), at("c", 300), at("b", 200)), 100);
      const second = settleTo(first.round, 300);
      expect(second.placed.map((p) => p.player)).toEqual(["b", "c"]);
      expect(second.round.placed.map((p) => p.player)).toEqual(["a", "b", "c"]);
    });

    test("places everything at once with an infinite horizon", () => {
      const r = buzzAll(open(), at("b", 200), at("a", 100));
      const { round, placed } = settle(r, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0);
      expect(placed.map((p) => [p.player, p.place, p.gap])).toEqual([
        ["a", 1, 0],
        ["b", 2, 100],
      ]);
      expect(round.pending).toEqual([]);
    });
  });

  describe("nextSettle", () => {
    test("returns null when nothing is pending", () => {
      expect(nextSettle(open(), 50, 1000)).toBeNull();
    });

    test("returns null once everything is placed", () => {
      const { round } = settleTo(buzzAll(open(), at("a", 100)), 100);
      expect(nextSettle(round, 50, 1000)).toBeNull();
    });

    test("returns press plus maxBound when that comes first", () => {
      const r = buzzAll(open(), at("a", 100, 150));
      expect(nextSettle(r, 30, 500)).toBe(130);
    });

    test("returns arrival plus maxWait when that comes first", () => {
      const r = buzzAll(open(), at("a", 100, 150));
      expect(nextSettle(r, 100, 20)).toBe(170);
    });

    test("uses the earliest press, not the earliest arrival", () => {
      const r = buzzAll(open(), at("a", 105, 110), at("b", 90, 120));
      expect(nextSettle(r, 50, 1000)).toBe(140);
      expect(nextSettle(r, 1000, 5)).toBe(125);
    });

    test("uses the earliest pending press after earlier ones are placed", () => {
      const { round } = settleTo(buzzAll(open(), at("a", 100), at("b", 200, 210)), 150);
      expect(nextSettle(round, 50, 1000)).toBe(250);
    });

    test("uses an earlier press that a later batch brings", () => {
      const first = decideAll(open(), [at("a", 100)]).round;
      expect(nextSettle(first, 10, 1000)).toBe(110);
      const second = decideAll(first, [at("b", 120), at("c", 50, 130)]).round;
      expect(nextSettle(second, 10, 1000)).toBe(60);
      expect(nextSettle(first, 10, 1000)).toBe(110);
    });

    test("uses the earliest of the presses left after a settle, whatever their arrival order", () => {
      const r = decideAll(open(), [at("a", 100), at("b", 200, 201), at("c", 150, 202)]).round;
      const { round } = settleTo(r, 120);
      expect(nextSettle(round, 10, 1000)).toBe(160);
    });
  });

  describe("standing: who may still buzz", () => {
    test("allows a player who has not buzzed", () => {
      expect(standing(open(), "a")).toBeUndefined();
      expect(standing(newRound(1), "a")).toBeUndefined();
    });

    test("refuses a pending player", () => {
      const r = buzzAll(open(), at("a", 100));
      expect(standing(r, "a")).not.toBeUndefined();
      expect(standing(r, "b")).toBeUndefined();
    });

    test("refuses a placed player", () => {
      const { round } = settleTo(buzzAll(open(), at("a", 100)), 100);
      expect(standing(round, "a")).not.toBeUndefined();
      expect(standing(round, "b")).toBeUndefined();
    });

    test("refuses a locked-out player", () => {
      const r = buzz(newRound(1), at("a", 100)).round;
      expect(standing(r, "a")).not.toBeUndefined();
      expect(standing(r, "b")).toBeUndefined();
    });

    test("allows everyone again after reset", () => {
      let r = buzzAll(open(), at("a", 100), at("b", 200));
      r = settleTo(r, 100).round;
      r = lock(r);
      r = buzz(r, at("c", 300)).round;
      const next = reset(r, 1000);
      expect(["a", "b", "c"].map((p) => standing(next, p))).toEqual([undefined, undefined, undefined]);
    });
  });

  describe("purity", () => {
    /** A round with something in every list: a placed winner, a pending press and a lockout. */
    function busy(): Round {
      let r = buzzAll(open(), at("a", 100, 110, 3), at("b", 200, 210, 3));
      r = settleTo(r, 150).round;
      r = { ...r, lockedOut: ["z"] };
      return r;
    }

    test("never mutates a frozen round", () => {
      const snapshot = structuredClone(busy());
      const r = deepFreeze(busy());
      const armed = deepFreeze(arm(lock(busy()), 0, 100));
      const input = deepFreeze(at("c", 300));
      expect(() => {
        arm(lock(r), 50);
        arm(lock(r), 50, 100);
        release(armed, 1000);
        lock(r);
        reset(r, 1000);
        buzz(r, input);
        buzz(r, at("a", 999));
        buzz(r, at("b", 999));
        buzz(r, at("z", 999));
        buzz(lock(r), input);
        settle(r, 1000, 1000, 0);
        settle(r, 0, 0, 1e9);
        nextSettle(r, 50, 1000);
        standing(r, "a");
      }).not.toThrow();
      expect(r).toStrictEqual(snapshot);
      expect(input).toStrictEqual(at("c", 300));
    });

    test("leaves the input round equal to its snapshot after every rule", () => {
      const r = busy();
      const snapshot = structuredClone(r);
      arm(lock(r), 50, 100);
      lock(r);
      reset(r, 1000);
      buzz(r, at("c", 300));
      buzz(r, at("a", 999));
      buzz(r, at("b", 999));
      buzz(lock(r), at("d", 300));
      settle(r, 1e9, 1e9, 0);
      nextSettle(r, 50, 1000);
      expect(r).toStrictEqual(snapshot);
    });

    test("shares no changed list with the input round", () => {
      const r = busy();
      const repeat = buzz(r, at("a", 999)).round;
      expect(repeat.placed).not.toBe(r.placed);
      expect(r.placed[0]?.asks).toBe(1);
      const pendingRepeat = buzz(r, at("b", 999)).round;
      expect(pendingRepeat.pending).not.toBe(r.pending);
      expect(r.pending[0]?.asks).toBe(1);
    });
  });
});

describe("round buzzAll", () => {
  test("decides a batch as buzz would one by one", () => {
    const open = arm(newRound(1), 0);
    const { round, outcomes } = decideAll(open, [at("a", 10), at("b", 5), at("a", 12)]);
    expect(outcomes).toEqual([
      { ok: true, repeat: null },
      { ok: true, repeat: null },
      { ok: true, repeat: "pending" },
    ]);
    expect(round.pending.map((p) => [p.player, p.asks])).toEqual([
      ["b", 1],
      ["a", 2],
    ]);
  });

  test("shares the lists it does not change", () => {
    const placedRound = settle(accepted(buzz(arm(newRound(1), 0), at("a", 10))), 100, 100, 0).round;
    const { round } = decideAll(placedRound, [at("b", 20)]);
    expect(round.placed).toBe(placedRound.placed);
    expect(round.lockedOut).toBe(placedRound.lockedOut);
    expect(round.pending.map((p) => p.player)).toEqual(["b"]);
  });
});

describe("round standing", () => {
  test("tells where each player stands as rules derive one round from another", () => {
    let r = arm(newRound(1), 0);
    expect(standing(r, "a")).toBeUndefined();
    r = decideAll(r, [at("a", 10), at("b", 20)]).round;
    expect(standing(r, "a")).toBe("pending");
    r = settle(r, 15, 15, Number.POSITIVE_INFINITY).round;
    expect(standing(r, "a")).toMatchObject({ player: "a", place: 1 });
    expect(standing(r, "b")).toBe("pending");
    r = lock(r);
    r = decideAll(r, [at("c", 30)]).round;
    expect(standing(r, "c")).toBe("locked");
    expect(standing(reset(r, 1000), "a")).toBeUndefined();
  });

  test("stays right for an older round asked again after a newer one was derived", () => {
    const first = decideAll(arm(newRound(1), 0), [at("a", 10)]).round;
    expect(standing(first, "a")).toBe("pending");
    const second = settle(first, 100, 100, 0).round;
    expect(standing(second, "a")).toMatchObject({ place: 1 });
    expect(standing(first, "a")).toBe("pending");
  });
});

describe("round quiz rules", () => {
  const teamed = (player: string, team: string, press: number, arrival = press) => ({
    ...at(player, press, arrival),
    team,
  });

  test("forgive lifts a lockout: the player may buzz again and is placed", () => {
    const armed = arm(newRound(1), 0, 100);
    const locked = decideAll(armed, [at("a", 50)]).round;
    expect(standing(locked, "a")).toBe("locked");
    const forgiven = forgive(release(locked, 100), "a");
    expect(forgiven.lockedOut).toEqual([]);
    expect(standing(forgiven, "a")).toBeUndefined();
    // Not in the round at all: the decision window waits for a player it does not list.
    expect(standings(forgiven).has("a")).toBe(false);
    const placed = settleTo(accepted(buzz(forgiven, at("a", 120))), 120);
    expect(placed.placed.map((p) => [p.player, p.place])).toEqual([["a", 1]]);
  });

  test("forgive leaves a round where the player is not locked out unchanged", () => {
    const r = decideAll(open(), [at("a", 10)]).round;
    expect(forgive(r, "a")).toBe(r);
    expect(forgive(r, "nobody")).toBe(r);
  });

  test("teamFirst places each team's earliest press, not its first arrival, and answers the teammate", () => {
    const r = decideAll(open(), [
      teamed("a", "Red", 30, 31),
      teamed("b", "Red", 20, 60),
      teamed("c", "Blue", 40),
    ]);
    const { round, placed, answered } = settle(r.round, 100, 100, 1000, true);
    expect(placed.map((p) => [p.player, p.place])).toEqual([
      ["b", 1],
      ["c", 2],
    ]);
    expect(answered.map((p) => p.player)).toEqual(["a"]);
    expect(round.answered).toEqual(["a"]);
    expect(standing(round, "a")).toBe("answered");
    expect(buzz(round, teamed("a", "Red", 150))).toMatchObject({ ok: false, code: "TEAM_ANSWERED" });
  });

  test("teamFirst answers a teammate whose press comes after the team's place was final", () => {
    const first = settle(decideAll(open(), [teamed("a", "Red", 10)]).round, 50, 50, 1000, true).round;
    const later = decideAll(first, [teamed("b", "Red", 60), at("c", 70)]).round;
    const { placed, answered } = settle(later, 200, 200, 1000, true);
    expect(placed.map((p) => [p.player, p.place])).toEqual([["c", 2]]);
    expect(answered.map((p) => p.player)).toEqual(["b"]);
  });

  test("without teamFirst teammates each take a place", () => {
    const r = decideAll(open(), [teamed("a", "Red", 30), teamed("b", "Red", 20)]).round;
    const { placed, answered } = settle(r, 100, 100, 1000);
    expect(placed.map((p) => p.player)).toEqual(["b", "a"]);
    expect(answered).toEqual([]);
  });
});
