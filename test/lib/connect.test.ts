import { describe, expect, test } from "bun:test";
import { unreachable } from "../../lib/connect.ts";

describe("connect", () => {
  test("unreachable asks about the server, and over wss:// about its certificate too", () => {
    expect(unreachable("ws://localhost:8765")).toBe("is the server running?");
    expect(unreachable("wss://127.0.0.1:8765")).toBe(
      "is the server running, and its certificate trusted? NODE_EXTRA_CA_CERTS=FILE names one",
    );
  });
});
