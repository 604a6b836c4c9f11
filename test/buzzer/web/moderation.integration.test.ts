/**
 * The player page under the host's moderation, in a real browser against the real server: a rename
 * shows and survives a reload, and a banned page cannot come back, by its name or by the token it kept.
 * Needs Chromium at /usr/bin/chromium (CI installs it; elsewhere it is skipped).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { startServer } from "../../support.ts";
import { Peer } from "../peer.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);
/** Longest any single wait in the browser may take. */
const WAIT = 8000;

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser | null = null;
/** Script errors and CSP refusals any page reported. */
const problems: string[] = [];

beforeAll(async () => {
  server = await startServer("buzzer/buzzer_server.ts", ["--secret", "s3cret"]);
  if (hasChromium) {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A player's page on a device of its own, joined to `room` as `name`. */
async function player(room: string, name: string): Promise<Page> {
  if (!browser) throw new Error("no browser");
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true });
  context.setDefaultTimeout(WAIT);
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  await page.goto(`http://localhost:${server.port}/r/${room}`);
  await page.fill("#name", name);
  await page.click("#join-button");
  await page.locator("#conn[data-conn=online]").waitFor();
  return page;
}

const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim() ?? "";

describe("player page under moderation", () => {
  test.skipIf(!hasChromium)(
    "shows the name the host gives it, also after a reload",
    async () => {
      const { peer: host } = await Peer.join(server.url, { room: "PAGE1", secret: "roomsecret" });
      const page = await player("PAGE1", "Zed");
      const state = await host.next("state", (s) => s.players.length === 1);
      host.send({ type: "rename", player: state.players[0]?.id as string, name: "Zoe" });
      await page.locator("#my-name", { hasText: "Zoe" }).waitFor();
      await page.reload();
      // The stored token resumes the same player under the host's name, not a new "Zoe (2)".
      await page.locator("#conn[data-conn=online]").waitFor();
      expect(await text(page, "#my-name")).toBe("Zoe");
      await host.next("state", (s) => s.players.length === 1 && s.players[0]?.connected === true);
      expect(problems).toEqual([]);
      host.close();
    },
    20_000,
  );

  test.skipIf(!hasChromium)(
    "a banned page is told so and cannot join again under its name",
    async () => {
      const { peer: host } = await Peer.join(server.url, { room: "PAGE2", secret: "roomsecret" });
      const page = await player("PAGE2", "Troll");
      const state = await host.next("state", (s) => s.players.length === 1);
      host.send({ type: "kick", player: state.players[0]?.id as string, ban: true });
      await page.locator("#join-form").waitFor();
      expect(await text(page, "#join-error")).toBe("Disconnected: removed and banned by the host.");
      // The page offers its name again; joining with it is refused in words.
      expect(await page.inputValue("#name")).toBe("Troll");
      await page.click("#join-button");
      await page
        .locator("#join-error", { hasText: "you were removed from room PAGE2 by the host" })
        .waitFor();
      expect(await page.locator("#join-form").isVisible()).toBe(true);
      expect(problems).toEqual([]);
      host.close();
    },
    20_000,
  );

  test.skipIf(!hasChromium)(
    "a page banned while closed cannot come back with the token it kept",
    async () => {
      const { peer: host } = await Peer.join(server.url, { room: "PAGE3", secret: "roomsecret" });
      const page = await player("PAGE3", "Ghost");
      const context = page.context();
      await page.close();
      const state = await host.next("state", (s) => s.players.length === 1 && !s.players[0]?.connected);
      host.send({ type: "kick", player: state.players[0]?.id as string, ban: true });
      await host.next("state", (s) => s.players.length === 0);
      // Opened again, the page resumes with its stored token by itself, and is refused.
      const again = await context.newPage();
      await again.goto(`http://localhost:${server.port}/r/PAGE3`);
      await again
        .locator("#join-error", { hasText: "you were removed from room PAGE3 by the host" })
        .waitFor();
      expect(await again.locator("#join-form").isVisible()).toBe(true);
      expect(problems).toEqual([]);
      host.close();
    },
    20_000,
  );
});
