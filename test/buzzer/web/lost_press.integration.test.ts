/**
 * The player page when a press goes out and the server dies before reading it, in a real browser
 * against the real server restarted from its --state journal: the page says the press did not reach
 * the server, once, and the button is live again (browser.ts: Chromium).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { type Server, startServer } from "../../support.ts";
import { browserSuite, buzzState, hasChromium, joinAs, text, WAIT } from "./browser.ts";

const suite = browserSuite();
const dir = mkdtempSync(join(tmpdir(), "buzzer-lost-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Records every text the notice under the button shows, from now on, for `notices` to read. */
const recordNotices = (page: Page) =>
  page.evaluate(`(() => {
    const notice = document.getElementById("notice");
    const seen = (window.notices = []);
    new MutationObserver(() => {
      if (notice.textContent) seen.push(notice.textContent);
    }).observe(notice, { childList: true, characterData: true, subtree: true });
  })()`);

describe("player page, a press lost with the server", () => {
  test.skipIf(!hasChromium)(
    "a press the server died before reading is told lost after the restart, once, and the next press wins",
    async () => {
      const file = join(dir, "game.jsonl");
      const start = (port: number) =>
        startServer("buzzer/buzzer_server.ts", ["--state", file, "--port", String(port)]);
      let server: Server = await start(0);
      try {
        const page = await suite.browsing.open(
          await suite.browsing.device(),
          `http://localhost:${server.port}/`,
        );
        await joinAs(page, "Pia");
        // The default room with no host is open.
        await buzzState(page, "open");
        await recordNotices(page);
        // The server stops reading: the press goes out into its socket, never to be read.
        server.proc.kill("SIGSTOP");
        await page.tap("#buzz");
        await buzzState(page, "pending");
        server.proc.kill("SIGKILL");
        await server.proc.exited;
        server = await start(server.port);
        await page.locator("#conn[data-conn=online]").waitFor({ timeout: 3 * WAIT });
        await buzzState(page, "open");
        expect(await page.evaluate("window.notices")).toEqual([
          "Your press did not reach the server before the connection dropped: you may press again.",
        ]);
        await page.tap("#buzz");
        await buzzState(page, "first");
        expect(await text(page, "#buzz-big")).toBe("You were first!");
        expect(suite.browsing.problems).toEqual([]);
      } finally {
        await server.stop();
      }
    },
    90_000,
  );
});
