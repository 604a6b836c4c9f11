import { describe, expect, test } from "bun:test";
import { closeLine, closeWords, sentClose } from "../../lib/close.ts";

describe("close", () => {
  test("Bun's own close of a frame too big, reported as 1006, is the 1009 its client was sent", () => {
    expect(sentClose(1006, "Received too big message")).toEqual({ code: 1009, reason: "message too big" });
    expect(closeWords(1006, "Received too big message")).toBe("message too big");
    expect(closeLine("a client", 1006, "Received too big message", 65536)).toBe(
      "Closed a client: 1009 message too big (over 65536 bytes)",
    );
  });

  test("any other close is logged as it was reported", () => {
    expect(sentClose(1006, "")).toEqual({ code: 1006, reason: "" });
    expect(closeWords(1006, "")).toBe("dropped without a goodbye");
    expect(closeLine("a client", 1006, "", 65536)).toBe("Closed a client: 1006");
    expect(closeLine("a client", 1003, "text frames only", 65536)).toBe(
      "Closed a client: 1003 text frames only",
    );
    expect(closeLine("a client", 1000, "")).toBeNull();
  });
});
