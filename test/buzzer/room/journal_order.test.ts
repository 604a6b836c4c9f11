import { describe, expect, test } from "bun:test";
import type { Entry } from "../../../buzzer/journal.ts";
import { type Journal, JournalOrder } from "../../../buzzer/room/journal_order.ts";

const CLOSE_MAIN: Entry[] = [{ e: "close", room: "MAIN" }];
const CLOSE_QUIZ: Entry[] = [{ e: "close", room: "QUIZ" }];

/** Lets every promise that can settle do so (a macrotask runs after all pending microtasks). */
const settle = () => Bun.sleep(0);

/** A JournalOrder over `journal`, recording what it released, warned of and let go, in order. */
function setup(journal: Journal | undefined) {
  const events: string[] = [];
  const order = new JournalOrder(
    journal,
    (line) => events.push(`warn: ${line}`),
    (room) => events.push(`refused ${room}`),
  );
  /** A step of `room`: writes `entries` (if any), then releases its effects, recorded as `name`. */
  const step = (room: string, name: string, entries?: Entry[]) => {
    const written = entries ? order.write(room, entries) : undefined;
    order.after(
      room,
      written,
      () => events.push(name),
      () => events.push(`lost ${name}`),
    );
  };
  return { order, events, step };
}

/** A journal whose writes answer when the test says: `answer(i)` resolves or rejects the i-th write. */
function later() {
  const answers: PromiseWithResolvers<void>[] = [];
  const journal: Journal = () => {
    const answer = Promise.withResolvers<void>();
    answers.push(answer);
    return answer.promise;
  };
  const answer = (i: number) => {
    const found = answers[i];
    if (!found) throw new Error(`no write ${i}`);
    return found;
  };
  return { journal, answer };
}

describe("journal_order", () => {
  test("releases at once when there is no journal", () => {
    const { order, events, step } = setup(undefined);
    expect(order.write("MAIN", CLOSE_MAIN)).toBeUndefined();
    step("MAIN", "a", CLOSE_MAIN);
    expect(events).toEqual(["a"]);
  });

  test("writes to a journal that answers at once, then releases at once", () => {
    const written: [string, Entry[]][] = [];
    const { events, step } = setup((room, entries) => void written.push([room, entries]));
    step("MAIN", "a", CLOSE_MAIN);
    expect(written).toEqual([["MAIN", CLOSE_MAIN]]);
    expect(events).toEqual(["a"]);
  });

  test("holds a step's effects until its write is answered", async () => {
    const { journal, answer } = later();
    const { events, step } = setup(journal);
    step("MAIN", "a", CLOSE_MAIN);
    await settle();
    expect(events).toEqual([]);
    answer(0).resolve();
    await settle();
    expect(events).toEqual(["a"]);
  });

  test("releases a room's steps in the order they came, whichever write is answered first", async () => {
    const { journal, answer } = later();
    const { events, step } = setup(journal);
    step("MAIN", "a", CLOSE_MAIN);
    step("MAIN", "b", CLOSE_MAIN);
    step("MAIN", "c");
    answer(1).resolve();
    await settle();
    expect(events).toEqual([]);
    answer(0).resolve();
    await settle();
    expect(events).toEqual(["a", "b", "c"]);
  });

  test("makes a step without a write of its own wait behind the room's write still on its way", async () => {
    const { journal, answer } = later();
    const { events, step } = setup(journal);
    step("MAIN", "a", CLOSE_MAIN);
    step("MAIN", "b");
    await settle();
    expect(events).toEqual([]);
    answer(0).resolve();
    await settle();
    expect(events).toEqual(["a", "b"]);
  });

  test("makes a room's later steps wait for its first entries (writeFirst)", async () => {
    const { journal, answer } = later();
    const { order, events, step } = setup(journal);
    order.writeFirst("QUIZ", CLOSE_QUIZ);
    step("QUIZ", "a");
    await settle();
    expect(events).toEqual([]);
    answer(0).resolve();
    await settle();
    expect(events).toEqual(["a"]);
  });

  test("does not make one room wait for another's write", () => {
    const { journal } = later();
    const { events, step } = setup(journal);
    step("MAIN", "a", CLOSE_MAIN);
    step("QUIZ", "b");
    expect(events).toEqual(["b"]);
  });

  test("releases at once again once the room's writes are all answered", async () => {
    const { journal, answer } = later();
    const { events, step } = setup(journal);
    step("MAIN", "a", CLOSE_MAIN);
    answer(0).resolve();
    await settle();
    step("MAIN", "b");
    expect(events).toEqual(["a", "b"]);
  });

  test("lets a room go when its write is refused, instead of releasing that step, before any later step", async () => {
    const { journal, answer } = later();
    const { events, step } = setup(journal);
    step("MAIN", "a", CLOSE_MAIN);
    step("MAIN", "b");
    answer(0).reject(new Error("FENCED another process owns this room"));
    await settle();
    expect(events).toEqual([
      "warn: journal write for room MAIN refused (FENCED another process owns this room): letting it go",
      "refused MAIN",
      "lost a",
      "b",
    ]);
  });

  test("lets a room go when its first entries are refused", async () => {
    const { journal, answer } = later();
    const { order, events, step } = setup(journal);
    order.writeFirst("QUIZ", CLOSE_QUIZ);
    step("QUIZ", "a");
    answer(0).reject(new Error("FENCED"));
    await settle();
    expect(events).toEqual([
      "warn: journal write for room QUIZ refused (FENCED): letting it go",
      "refused QUIZ",
      "lost a",
    ]);
  });

  test("reports a journal that throws once, stops writing to it, and still releases every step at once", () => {
    let calls = 0;
    const { order, events, step } = setup(() => {
      calls++;
      throw new Error("disk full");
    });
    step("MAIN", "a", CLOSE_MAIN);
    step("QUIZ", "b", CLOSE_QUIZ);
    expect(order.write("MAIN", CLOSE_MAIN)).toBeUndefined();
    expect(events).toEqual([
      "warn: journal write failed (disk full): the game goes on, but a restart will not restore it",
      "a",
      "b",
    ]);
    expect(calls).toBe(1);
  });
});
