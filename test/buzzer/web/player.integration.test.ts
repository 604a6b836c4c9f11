/**
 * The player page after a reload, in a real browser against the real server: what it told the
 * player before the reload (why a false start locked it out) it says again after it, and what it
 * says once (why the player's name is numbered) it does not, and that note goes at the next round.
 */
import { describe, expect, test } from "bun:test";
import { Peer } from "../peer.ts";
import { buzzState, hasChromium, joinAs, pageSuite, text } from "./browser.ts";

const suite = pageSuite(["--secret", "s3cret"]);

describe("player page", () => {
  test.skipIf(!hasChromium)(
    "a phone reloaded after its false start still says why it is locked out, in the same words",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "EARLY", secret: "roompass" });
      const page = await suite.page("/r/EARLY");
      await joinAs(page, "Fay");
      await buzzState(page, "locked");
      await page.tap("#buzz");
      await buzzState(page, "out");
      const why = "Too early: you are locked out of this round";
      expect(await text(page, "#buzz-small")).toBe(why);
      await page.reload();
      await page.locator("#conn[data-conn=online]").waitFor();
      await buzzState(page, "out");
      expect(await text(page, "#buzz-big")).toBe("Locked out");
      expect(await text(page, "#buzz-small")).toBe(why);
      expect(await text(page, "#status")).toBe(why);
      host.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a player whose name is taken is told why it plays as Ann (2), once: not again after a reload",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "TWINS", secret: "roompass" });
      const { peer: ann } = await Peer.join(suite.server.url, { name: "Ann", room: "TWINS" });
      const page = await suite.page("/r/TWINS");
      await joinAs(page, "Ann");
      await page.locator("#name-note").waitFor();
      expect(await text(page, "#my-name")).toBe("Ann (2)");
      expect(await text(page, "#name-note")).toBe(
        "Someone in room TWINS is already called Ann, so you are Ann (2)",
      );
      await page.reload();
      await page.locator("#conn[data-conn=online]").waitFor();
      await buzzState(page, "locked");
      expect(await text(page, "#my-name")).toBe("Ann (2)");
      expect(await page.locator("#name-note").isHidden()).toBe(true);
      for (const p of [host, ann]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a phone that lost its token on a network another player shares is a new player, told why it is not its old one",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "VENUE", secret: "roompass" });
      const { peer: eve } = await Peer.join(suite.server.url, { name: "Eve", room: "VENUE" });
      const page = await suite.page("/r/VENUE");
      await joinAs(page, "Ann");
      expect(await text(page, "#my-name")).toBe("Ann");
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.locator("#join-form").waitFor();
      await host.next("state", (s) => s.players.some((p) => p.name === "Ann" && !p.connected));
      await joinAs(page, "Ann");
      await page.locator("#name-note").waitFor();
      expect(await text(page, "#my-name")).toBe("Ann (2)");
      expect(await text(page, "#name-note")).toBe(
        "Ann is away, but others in room VENUE share your network, so you are Ann (2) without Ann's points: if you are Ann, ask the host to give them back",
      );
      for (const p of [host, eve]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "the note on why a player plays as Ann (2) goes with the round it joined in: the next question does not show it",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "NEXTQ", secret: "roompass" });
      const { peer: ann } = await Peer.join(suite.server.url, { name: "Ann", room: "NEXTQ" });
      const page = await suite.page("/r/NEXTQ");
      await joinAs(page, "ANN");
      expect(await text(page, "#name-note")).toBe(
        "Someone in room NEXTQ is already called Ann, so you are ANN (2)",
      );
      // Round 1 opened where it stands (it was never played): the same round, so the note stays.
      host.send({ type: "next" });
      await buzzState(page, "open");
      expect(await page.locator("#name-note").isVisible()).toBe(true);
      host.send({ type: "lock" });
      // Open and locked again: closed, a press now too late, and no warning about pressing early.
      await buzzState(page, "closed");
      expect(await text(page, "#buzz-small")).toBe("A press now is too late");
      expect(await page.locator("#early").isHidden()).toBe(true);
      host.send({ type: "next" });
      await buzzState(page, "open");
      expect(await page.locator("#name-note").isHidden()).toBe(true);
      expect(await text(page, "#my-name")).toBe("ANN (2)");
      for (const p of [host, ann]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );
});
