/**
 * The host console's sign-in in a real browser against its own server (a lockout of the browser's
 * address would spoil other files' sign-ins): a host locked out by too many wrong secrets from the
 * address is told why, and the console waits before it tries again (browser.ts: Chromium).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer } from "../../support.ts";
import { Browsing, hasChromium, text } from "./browser.ts";

const SECRET = "s3cret-main";

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;
let base: string;
let browsing: Browsing;

beforeAll(async () => {
  server = await startServer("buzzer/buzzer_server.ts", ["--secret", SECRET]);
  base = `http://localhost:${server.port}`;
  if (hasChromium) browsing = await Browsing.launch();
});

afterAll(async () => {
  await browsing?.close();
  await server?.stop();
});

describe("host login", () => {
  test.skipIf(!hasChromium)(
    "a host locked out by too many wrong secrets sees the server's reason and the console waits a minute before trying again",
    async () => {
      const context = await browsing.device({ width: 1280, height: 900 });
      await context.clock.install();
      const page = await browsing.open(context, `${base}/host`);
      // Ten wrong secrets from the browser's address, one connection each, use up its allowance.
      const refusals = await page.evaluate(async (url) => {
        const codes: string[] = [];
        for (let i = 0; i < 10; i++) {
          codes.push(
            await new Promise<string>((resolve) => {
              const ws = new WebSocket(url);
              ws.onopen = () => ws.send(JSON.stringify({ type: "join", room: "MAIN", secret: `wrong-${i}` }));
              ws.onmessage = (event) => {
                const msg = JSON.parse(String(event.data));
                if (msg.type !== "error") return;
                ws.close();
                resolve(msg.code);
              };
            }),
          );
        }
        return codes;
      }, `ws://localhost:${server.port}/`);
      expect(refusals).toEqual(Array(10).fill("BAD_SECRET"));

      let sockets = 0;
      page.on("websocket", () => sockets++);
      await page.fill("#room", "MAIN");
      await page.fill("#secret", SECRET);
      await page.click("#login-button");
      const reason =
        "too many wrong secrets from your address: wait a minute. The console tries again by itself then.";
      await page.locator("#login-error", { hasText: reason }).waitFor();
      expect(await page.locator("#login-form").isVisible()).toBe(true);
      expect(await page.locator("#console").isHidden()).toBe(true);
      expect(await page.inputValue("#secret")).toBe(SECRET);
      expect(sockets).toBe(1);

      // No retries while it waits; one after the minute (refused again: the server's allowance refills in real time).
      await page.clock.fastForward(59_000);
      expect(sockets).toBe(1);
      // The reason is cleared, to see the retry's own refusal bring it back.
      await page.locator("#login-error").evaluate((el) => el.replaceChildren());
      const retry = page.waitForEvent("websocket");
      await page.clock.fastForward(2_000);
      await retry;
      await page.locator("#login-error", { hasText: reason }).waitFor();
      expect(sockets).toBe(2);
      expect(await text(page, "#conn")).toBe("Offline");
      expect(browsing.problems).toEqual([]);
    },
    30_000,
  );
});
