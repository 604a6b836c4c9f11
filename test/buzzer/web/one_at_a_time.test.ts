import { describe, expect, test } from "bun:test";
import { OneAtATime } from "../../../buzzer/web/one_at_a_time.ts";

/** A box that has sent `question` and waits for its answer. */
function waiting(question: string): OneAtATime {
  const asking = new OneAtATime();
  expect(asking.ask()).toBe(true);
  asking.sent(question);
  return asking;
}

describe("one_at_a_time", () => {
  test("sends nothing more while a question is out, and asks again once it is answered", () => {
    const asking = waiting("al");
    expect(asking.ask()).toBe(false);
    expect(asking.answered("al", "al")).toEqual({ show: true, again: true });
    expect(asking.ask()).toBe(true);
  });

  test("shows an answer for what is asked now, and asks nothing more when nothing changed", () => {
    expect(waiting("al").answered("al", "al")).toEqual({ show: true, again: false });
  });

  test("does not show an answer to an older question, and asks the current one", () => {
    expect(waiting("al").answered("al", "alice")).toEqual({ show: false, again: true });
  });

  test("asks nothing once the box is empty", () => {
    expect(waiting("al").answered("al", "")).toEqual({ show: false, again: false });
  });

  test("ignores an answer to a question that is not out", () => {
    const asking = waiting("al");
    expect(asking.answered("bo", "al")).toEqual({ show: false, again: false });
    expect(asking.ask()).toBe(false);
  });

  test("asks again after a question out is forgotten (a refusal, a dropped connection)", () => {
    const asking = waiting("al");
    asking.forget();
    expect(asking.ask()).toBe(true);
    // A late answer to the forgotten question is not taken for the next one.
    asking.sent("ali");
    expect(asking.answered("al", "ali")).toEqual({ show: false, again: false });
    expect(asking.answered("ali", "ali")).toEqual({ show: true, again: false });
  });
});
