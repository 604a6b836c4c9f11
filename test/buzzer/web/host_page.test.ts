/**
 * The host page's static text that states a server rule: it cannot import the rule (the page
 * bundle would pull in the room engine), so it is pinned to it here.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { MIN_SECRET } from "../../../buzzer/room/opening.ts";
import { ROOT } from "../../support.ts";

const html = readFileSync(`${ROOT}buzzer/web/host.html`, "utf8");

describe("host.html", () => {
  test("the sign-in hint gives the server's shortest secret for a new room", () => {
    expect(html).toContain(
      `A new room code opens a new room with this secret (at least ${MIN_SECRET} characters).`,
    );
  });
});
