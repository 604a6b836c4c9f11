import { describe, expect, test } from "bun:test";
import { byPress, mergeByPress } from "../../buzzer/press_order.ts";
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
