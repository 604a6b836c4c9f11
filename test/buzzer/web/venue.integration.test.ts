/**
 * The player page on a venue's network, in a real browser against the real server: a phone that
 * loses its network says so and sends no press into the dead link, a reload mid-countdown counts
 * down again, a phone on a slow link still wins with an earlier press, says it waits meanwhile and
 * gets its verdict after a reload, and a player who lost its stored token, or opened a second tab,
 * is still the one player it was (browser.ts: Chromium).
 */
import { describe, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import { linkQuery, startProxy } from "../../../bench/fairness/proxy.ts";
import { freePort, type Server, startServer } from "../../support.ts";
import { Peer } from "../peer.ts";
import { buzzState, hasChromium, joinAs, orderNames, pageSuite, text, WAIT } from "./browser.ts";

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

/** Records every face the buzz button shows (`state: big / small`), from now on, for `faces` to read. */
const recordFaces = (page: Page) =>
  page.evaluate(`(() => {
    const button = document.getElementById("buzz");
    const seen = (window.faces = []);
    const note = () => {
      const face = button.dataset.state + ": " + button.querySelector(".big").textContent + " / " + button.querySelector(".small").textContent;
      if (seen.at(-1) !== face) seen.push(face);
    };
    note();
    new MutationObserver(note).observe(button, { attributes: true, childList: true, subtree: true, characterData: true });
  })()`);
/** The faces recordFaces saw, in order. */
const faces = (page: Page) => page.evaluate("window.faces") as Promise<string[]>;

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
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a phone reloaded during a countdown counts down again and says GO at the release",
    async () => {
      const host = await hostOf(suite.server.url, "COUNT");
      const page = await suite.page("/r/COUNT");
      await joinAs(page, "Cy");
      host.send({ type: "arm", countdown: 4000 });
      await buzzState(page, "armed");
      await page.reload();
      await page.locator("#buzz[data-state=armed] #buzz-big", { hasText: /^[1-4]$/ }).waitFor();
      expect(await text(page, "#buzz-small")).toBe("Get ready");
      await buzzState(page, "open");
      await page.tap("#buzz");
      await buzzState(page, "first");
      host.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a phone that lost its stored token comes back under its name as the same player, and a second tab takes the player over",
    async () => {
      const host = await hostOf(suite.server.url, "TOKEN");
      const context = await suite.browsing.device();
      const page = await suite.browsing.open(context, `${suite.base}/r/TOKEN`);
      await page.fill("#name", "Tia");
      await page.fill("#team", "Owls");
      await page.click("#join-button");
      await page.locator("#conn[data-conn=online]").waitFor();
      const joined = await host.next("state", (s) => s.players.some((p) => p.name === "Tia"), WAIT);
      host.send({ type: "award", player: joined.players[0]?.id ?? "", points: 2 });
      host.send({ type: "arm" });
      await buzzState(page, "open");
      await page.tap("#buzz");
      await buzzState(page, "first");

      // A second tab of the same browser resumes the player; the first is told where it went.
      const second = await suite.browsing.open(context, `${suite.base}/r/TOKEN`);
      await buzzState(second, "first");
      await page.locator("#join-error", { hasText: "another tab" }).waitFor();
      expect(await text(page, "#join-error")).toBe(
        "Disconnected: this player continued on another tab or device.",
      );
      expect(await page.inputValue("#name")).toBe("Tia");

      // Storage cleared: the name alone, from the same address, brings back the same player.
      await page.close();
      await second.evaluate(() => localStorage.clear());
      await second.reload();
      await second.locator("#join-form").waitFor();
      await joinAs(second, "Tia");
      await buzzState(second, "first");
      expect(await text(second, "#my-name")).toBe("Tia");
      expect(await text(second, "#my-team")).toBe("· Owls");
      await second.locator("#my-score", { hasText: "2 pts" }).waitFor();
      expect(await orderNames(second)).toEqual(["Tia"]);
      // The room as it is now, not as the states queued before the comeback had it: one player.
      host.received.splice(0);
      host.send({ type: "sync" });
      const state = await host.next("state", () => true, WAIT);
      expect(state.players.map((p) => [p.name, p.connected, p.points])).toEqual([["Tia", true, 2]]);
      host.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );
});

describe("player page on a slow link", () => {
  /** One-way delay of the phone's link, in ms: a 300 ms round trip, within the compensation cap. */
  const ONE_WAY = 150;
  /** How much later the near player presses, in ms: it arrives first, but pressed later. */
  const LATER = 100;

  /** The buzzer server behind a latency proxy; its pages are opened through the proxy. */
  async function farServer(): Promise<{ server: Server; proxyUrl: string; stop: () => Promise<void> }> {
    const port = await freePort();
    const proxy = startProxy(`ws://localhost:${port}`);
    const proxyUrl = proxy.url.replace("ws:", "http:");
    const server = await startServer("buzzer/buzzer_server.ts", [
      "--port",
      String(port),
      "--public-url",
      `${proxyUrl}/`,
    ]);
    return {
      server,
      proxyUrl,
      stop: async () => {
        proxy.stop();
        await server.stop();
      },
    };
  }

  /** Makes every WebSocket of the device's pages ask the proxy for the slow link (in its URL's query). */
  const slowSockets = (context: BrowserContext, query: string) =>
    context.addInitScript(`{
      const Native = WebSocket;
      window.WebSocket = class extends Native {
        constructor(url, protocols) {
          super(url + ${JSON.stringify(query)}, protocols);
        }
      };
    }`);

  test.skipIf(!hasChromium)(
    "a press on a 300 ms link wins over a near player's later press, the phone says it waits for the result, and a reload while it waits gets it",
    async () => {
      const far = await farServer();
      try {
        const query = linkQuery({ up: ONE_WAY, down: ONE_WAY, jitter: 0, seed: 1 });
        const host = await hostOf(far.server.url, "SLOW");
        const { peer: near } = await Peer.join(far.server.url, { room: "SLOW", name: "Near" });
        const context = await suite.browsing.device();
        await slowSockets(context, query);
        const page = await suite.browsing.open(context, `${far.proxyUrl}/r/SLOW${query}`);
        await joinAs(page, "Far");
        // The server has measured the far link before anyone presses.
        for (;;) {
          host.send({ type: "sync" });
          const state = await host.next("state", () => true, WAIT);
          if ((state.players.find((p) => p.name === "Far")?.rtt ?? 0) >= 2 * ONE_WAY) break;
          await Bun.sleep(200);
        }
        host.send({ type: "arm" });
        await buzzState(page, "open");
        await near.next("state", (s) => s.phase === "open", WAIT);
        await recordFaces(page);
        await page.tap("#buzz");
        await Bun.sleep(LATER);
        near.send({ type: "buzz", at: performance.now() });

        expect((await near.next("verdict", () => true, WAIT)).place).toBe(2);
        await buzzState(page, "first");
        // The winner's button may add "Photo finish" once the order shows the close second.
        const [before, waiting, ...won] = await faces(page);
        expect([before, waiting]).toEqual([
          "open: GO! / Press now",
          "pending: Buzzed! / Waiting for the result…",
        ]);
        expect(won.length).toBeGreaterThan(0);
        for (const face of won) expect(face).toMatch(/^first: You were first! \/ (1st place|Photo finish)$/);
        expect(await orderNames(page)).toEqual(["Far", "Near"]);
        // Reloaded while the next press waits for its verdict: the room kept the press, and says so again.
        host.send({ type: "next" });
        await buzzState(page, "open");
        // The verdict takes the link's 300 ms round trip: the reload comes while the press waits for it.
        await page.tap("#buzz");
        await page.reload();
        await buzzState(page, "first");
        expect(await text(page, "#buzz-big")).toBe("You were first!");
        for (const p of [host, near]) p.close();
        expect(suite.browsing.problems).toEqual([]);
      } finally {
        await far.stop();
      }
    },
    90_000,
  );
});
