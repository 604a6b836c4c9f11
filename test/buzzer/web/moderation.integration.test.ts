/**
 * The player page under the host's moderation, in a real browser against the real server: a rename
 * shows and survives a reload, a banned page cannot come back, by its name, by the token it kept,
 * or under a new name in the same browser, and a removed player's points still count in a rank.
 */
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { Peer } from "../peer.ts";
import { hasChromium, joinAs, pageSuite, text } from "./browser.ts";

const suite = pageSuite(["--secret", "s3cret"]);

/** A player's page on a device of its own, joined to `room` as `name`. */
async function player(room: string, name: string): Promise<Page> {
  const page = await suite.page(`/r/${room}`);
  await joinAs(page, name);
  return page;
}

/** Empties the join form's error, so the next refusal is seen to be new. */
const clearError = (page: Page) =>
  page.locator("#join-error").evaluate((error) => {
    error.textContent = "";
  });
/** What a banned page says, after the kick and on every later try. */
const bannedText = (room: string) => `The host removed you from room ${room}: you cannot join it again.`;

describe("player page under moderation", () => {
  test.skipIf(!hasChromium)(
    "shows the name the host gives it, also after a reload",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "PAGE1", secret: "roomsecret" });
      const page = await player("PAGE1", "Zed");
      const state = await host.next("state", (s) => s.players.length === 1);
      host.send({ type: "rename", player: state.players[0]?.id as string, name: "Zoe" });
      await page.locator("#my-name", { hasText: "Zoe" }).waitFor();
      await page.reload();
      // The stored token resumes the same player under the host's name, not a new "Zoe (2)".
      await page.locator("#conn[data-conn=online]").waitFor();
      expect(await text(page, "#my-name")).toBe("Zoe");
      await host.next("state", (s) => s.players.length === 1 && s.players[0]?.connected === true);
      expect(suite.browsing.problems).toEqual([]);
      host.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a banned page is told so and cannot join again under its name",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "PAGE2", secret: "roomsecret" });
      const page = await player("PAGE2", "Troll");
      const state = await host.next("state", (s) => s.players.length === 1);
      host.send({ type: "kick", player: state.players[0]?.id as string, ban: true });
      await page.locator("#join-form").waitFor();
      expect(await text(page, "#join-error")).toBe(bannedText("PAGE2"));
      // The page offers its name again; joining with it is refused in the same words.
      expect(await page.inputValue("#name")).toBe("Troll");
      await clearError(page);
      await page.click("#join-button");
      await page.locator("#join-error", { hasText: bannedText("PAGE2") }).waitFor();
      expect(await page.locator("#join-form").isVisible()).toBe(true);
      expect(suite.browsing.problems).toEqual([]);
      host.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a page banned while closed cannot come back with the token it kept",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "PAGE3", secret: "roomsecret" });
      const page = await player("PAGE3", "Ghost");
      const context = page.context();
      await page.close();
      const state = await host.next("state", (s) => s.players.length === 1 && !s.players[0]?.connected);
      host.send({ type: "kick", player: state.players[0]?.id as string, ban: true });
      await host.next("state", (s) => s.players.length === 0);
      // Opened again, the page resumes with its stored token by itself, and is refused.
      const again = await context.newPage();
      await again.goto(`${suite.base}/r/PAGE3`);
      await again.locator("#join-error", { hasText: bannedText("PAGE3") }).waitFor();
      expect(await again.locator("#join-form").isVisible()).toBe(true);
      // Refused once by its token, the browser keeps that token for any name it tries next.
      await again.fill("#name", "Casper");
      await clearError(again);
      await again.click("#join-button");
      await again.locator("#join-error", { hasText: bannedText("PAGE3") }).waitFor();
      expect(suite.browsing.problems).toEqual([]);
      host.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a banned browser cannot come back under a new name, and a reload does not help",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "PAGE4", secret: "roomsecret" });
      const page = await player("PAGE4", "Troll");
      const state = await host.next("state", (s) => s.players.length === 1);
      host.send({ type: "kick", player: state.players[0]?.id as string, ban: true });
      await page.locator("#join-error", { hasText: bannedText("PAGE4") }).waitFor();
      await host.next("state", (s) => s.players.length === 0);
      const kept = await page.evaluate(() => localStorage.getItem("buzzer:banned:PAGE4"));
      expect(kept).toMatch(/^[0-9a-f]{32}$/);

      await page.fill("#name", "Angel");
      await clearError(page);
      await page.click("#join-button");
      await page.locator("#join-error", { hasText: bannedText("PAGE4") }).waitFor();
      expect(await page.locator("#join-form").isVisible()).toBe(true);

      // Reloaded, the page tries its remembered name by itself and is refused; then a new name is too.
      await page.reload();
      await page.locator("#join-error", { hasText: bannedText("PAGE4") }).waitFor();
      await page.fill("#name", "Saint");
      await clearError(page);
      await page.click("#join-button");
      await page.locator("#join-error", { hasText: bannedText("PAGE4") }).waitFor();

      // Nobody got in: a new player in the room would have shown in the host's view first.
      const { peer: other } = await Peer.join(suite.server.url, { name: "Fair", room: "PAGE4" });
      const after = await host.next("state", (s) => s.players.length > 0);
      expect(after.players.map((p) => p.name)).toEqual(["Fair"]);
      expect(suite.browsing.problems).toEqual([]);
      other.close();
      host.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a phone's rank is out of every line on the board, a player removed with points included",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "PAGE5", secret: "roomsecret" });
      const page = await player("PAGE5", "Pat");
      const { peer: quin, welcome } = await Peer.join(suite.server.url, { room: "PAGE5", name: "Quin" });
      const seen = await host.next("state", (s) => s.players.some((p) => p.name === "Pat"));
      const pat = seen.players.find((p) => p.name === "Pat")?.id ?? "";
      // A player at 0 points is shown no rank (it shares it with everyone who has not scored): Pat scores.
      host.send({ type: "award", player: pat, points: 1 });
      host.send({ type: "award", player: welcome.id, points: 3 });
      await page.locator("#my-score", { hasText: "1 pt · 2nd of 2" }).waitFor();
      quin.close();
      await host.next("state", (s) => s.players.some((p) => p.name === "Quin" && !p.connected));
      host.send({ type: "prune" });
      await host.next("state", (s) => !s.players.some((p) => p.name === "Quin"));
      // Quin is gone from the room, its 3 points stay on the board: one player, two lines. Pat's next
      // point is told after the prune, so the page's rank is counted on the board the prune left.
      host.send({ type: "award", player: pat, points: 1 });
      await page.locator("#my-score", { hasText: "2 pts · 2nd of 2" }).waitFor();
      expect(await text(page, "#player-count")).toBe("· 1 player");
      expect(suite.browsing.problems).toEqual([]);
      host.close();
    },
    90_000,
  );
});
