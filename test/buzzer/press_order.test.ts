import { describe, expect, test } from "bun:test";
import { byPress, mergeByPress, sortByPress } from "../../buzzer/press_order.ts";
import type { Press } from "../../buzzer/round.ts";

const p = (player: string, press: number, arrival = press): Press => ({
  player,
  press,
  arrival,
  uncertainty: 0,
  asks: 1,
});
const ids = (presses: readonly Press[]) => presses.map((x) => x.player);

describe("press_order", () => {
  test("orders by press, then arrival, then player id", () => {
    const presses = [p("c", 10, 30), p("b", 10, 20), p("z", 5, 50), p("a", 10, 20)];
    expect(ids([...presses].sort(byPress))).toEqual(["z", "a", "b", "c"]);
  });

  test("sorts a batch in place as the engine's sort would, in any order", () => {
    const batch = [p("c", 10, 30), p("b", 10, 20), p("z", 5, 50), p("a", 10, 20), p("y", 40), p("x", 1)];
    const expected = ids([...batch].sort(byPress));
    expect(ids(sortByPress(batch))).toEqual(expected);
    expect(ids(batch)).toEqual(expected);
    // Far out of order (every press moves far): the engine's sort takes over midway.
    const reversed = Array.from({ length: 50 }, (_, i) => p(`p${String(i).padStart(2, "0")}`, 100 - i));
    expect(ids(sortByPress([...reversed]))).toEqual(ids([...reversed].sort(byPress)));
  });

  test("merges new presses among older ones, ties broken as byPress breaks them", () => {
    const older = [p("a", 10), p("c", 20, 25), p("e", 30)];
    const added = [p("b", 20, 22), p("d", 20, 25), p("f", 30)];
    expect(ids(mergeByPress(older, added))).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  test("puts presses earlier than every older one first, and later ones last", () => {
    expect(ids(mergeByPress([p("b", 10), p("c", 20)], [p("a", 5), p("d", 25)]))).toEqual([
      "a",
      "b",
      "c",
      "d",
    ]);
    expect(ids(mergeByPress([], [p("a", 5)]))).toEqual(["a"]);
  });

  test("leaves the older list as it was", () => {
    const older = [p("a", 10), p("c", 20)];
    mergeByPress(older, [p("b", 15)]);
    expect(ids(older)).toEqual(["a", "c"]);
  });
});
