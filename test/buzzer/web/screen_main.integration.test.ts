/**
 * The projector of the default room, in a real browser against a real server of its own (MAIN is
 * untouched by other tests): the room starts open, as the original's, and the projector shows its
 * lobby with the join link until the first buzz.
 */
import { describe, expect, test } from "bun:test";
import { Peer } from "../peer.ts";
import { HD, hasChromium, pageSuite, text, texts } from "./browser.ts";

const suite = pageSuite(["--secret", "s3cret"]);

describe("projector", () => {
  test.skipIf(!hasChromium)(
    "in the default room, open from the start, shows the lobby and waits for the first buzz, a host joining or not",
    async () => {
      const page = await suite.page("/screen", HD);
      await page.locator("#conn[data-conn=online]").waitFor();
      await page.locator("#lobby").waitFor();
      expect(await text(page, "#phase")).toBe("Waiting for the first buzz");
      expect(await text(page, "#host-note")).toBe("No host yet: the first buzz wins");
      expect(await page.locator("#round").isHidden()).toBe(true);
      await page.locator("#join-url span").nth(1).waitFor();
      expect(await texts(page, "#join-url span")).toEqual([`localhost:${suite.server.port}`, "/r/MAIN"]);
      const { peer: ann } = await Peer.join(suite.server.url, { name: "Ann" });
      await page.locator("#lobby-names li", { hasText: "Ann" }).waitFor();
      // A host arriving opens nothing: the round was open all along.
      const { peer: host } = await Peer.join(suite.server.url, { secret: "s3cret" });
      await page.locator("#host-note").waitFor({ state: "hidden" });
      expect(await page.locator("#lobby").isVisible()).toBe(true);
      expect(await text(page, "#phase")).toBe("Waiting for the first buzz");
      ann.send({ type: "buzz", at: performance.now() });
      await page.locator("#winner-name", { hasText: "Ann" }).waitFor();
      expect(await page.locator("#lobby").isHidden()).toBe(true);
      expect(await text(page, "#phase")).toBe("Open");
      for (const p of [host, ann]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );
});
