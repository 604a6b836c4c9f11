/**
 * The player page on a venue's network, in a real browser against the real server: a phone that
 * loses its network says so and sends no press into the dead link (browser.ts: Chromium).
 */
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { Peer } from "../peer.ts";
import { buzzState, hasChromium, joinAs, pageSuite, text, WAIT } from "./browser.ts";

const ROOM_SECRET = "roompass";
const suite = pageSuite(["--secret", "s3cret"]);

/** A host for a new room `code` on `url`. */
async function hostOf(url: string, code: string): Promise<Peer> {
  return (await Peer.join(url, { room: code, secret: ROOM_SECRET })).peer;
}

/** Resolves once the page has handled the browser's `offline` event (its own listeners run first). */
const wentOffline = (page: Page) =>
  page.evaluate(`new Promise((resolve) => {
    if (!navigator.onLine) return setTimeout(resolve);
    addEventListener("offline", () => setTimeout(resolve), { once: true });
  })`);

describe("player page on a venue's network", () => {
  test.skipIf(!hasChromium)(
    "a phone that loses its network says so at once, sends no press into the dead link, and plays on when it is back",
    async () => {
      const host = await hostOf(suite.server.url, "NET");
      const context = await suite.browsing.device();
      const page = await suite.browsing.open(context, `${suite.base}/r/NET`);
      await joinAs(page, "Pia");
      host.send({ type: "arm" });
      await buzzState(page, "open");

      await context.setOffline(true);
      await wentOffline(page);
      // Read at once, not waited for: the page must not go on saying "Connected" until the silence.
      expect(await page.getAttribute("#buzz", "data-state")).toBe("offline");
      expect(await text(page, "#conn")).toBe("Reconnecting…");
      expect(await text(page, "#buzz-big")).toBe("Offline");
      await page.tap("#buzz");
      expect(await text(page, "#notice")).toBe("Not connected: that press was not sent");
      expect(await page.getAttribute("#buzz", "data-state")).toBe("offline");

      await context.setOffline(false);
      await page.locator("#conn[data-conn=online]").waitFor();
      await buzzState(page, "open");
      // The press made offline never reached the room: this one is the first.
      await page.tap("#buzz");
      await buzzState(page, "first");
      const state = await host.next("state", (s) => s.order.length > 0, WAIT);
      expect(state.order.map((p) => p.name)).toEqual(["Pia"]);
      host.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    20_000,
  );
});
