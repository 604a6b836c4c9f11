/**
 * The host console's sign-in in a real browser against its own server (a lockout of the browser's
 * address would spoil other files' sign-ins): a host locked out by too many wrong secrets from the
 * address is told why and for how long, and the console tries again just then (browser.ts: Chromium).
 */
import { describe, expect, test } from "bun:test";
import { hasChromium, LAPTOP, pageSuite, text } from "./browser.ts";

const SECRET = "s3cret-main";

const suite = pageSuite(["--secret", SECRET]);

describe("host login", () => {
  test.skipIf(!hasChromium)(
    "a host locked out by too many wrong secrets is told how long to wait, and the console tries again by itself just then and gets in",
    async () => {
      const context = await suite.browsing.device(LAPTOP);
      await context.clock.install();
      const page = await suite.browsing.open(context, `${suite.base}/host`);
      // The page's clock stands still until the test moves it, however long the server takes.
      await page.clock.pauseAt(Date.now() + 60_000);
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
      }, `ws://localhost:${suite.server.port}/`);
      expect(refusals).toEqual(Array(10).fill("BAD_SECRET"));

      let sockets = 0;
      const errors: { type: string; code: string; message: string; retryIn?: number }[] = [];
      page.on("websocket", (ws) => {
        sockets++;
        ws.on("framereceived", ({ payload }) => {
          const msg = JSON.parse(String(payload));
          if (msg.type === "error") errors.push(msg);
        });
      });
      await page.fill("#room", "MAIN");
      await page.fill("#secret", SECRET);
      await page.click("#login-button");
      await page.locator("#login-error", { hasText: "too many wrong secrets" }).waitFor();
      // The server says how long, by its allowance (one try every 6 s), and the page says the same.
      const retryIn = errors[0]?.retryIn ?? 0;
      expect(retryIn).toBeGreaterThanOrEqual(1);
      expect(retryIn).toBeLessThanOrEqual(6);
      const reason = `too many wrong secrets from your address: wait ${retryIn} ${retryIn === 1 ? "second" : "seconds"}`;
      expect(errors).toEqual([{ type: "error", code: "RATE_LIMITED", message: reason, retryIn }]);
      expect(await text(page, "#login-error")).toBe(`${reason}. The console tries again by itself then.`);
      expect(await page.locator("#login-form").isVisible()).toBe(true);
      expect(await page.locator("#console").isHidden()).toBe(true);
      expect(await page.inputValue("#secret")).toBe(SECRET);
      expect(sockets).toBe(1);

      // The server's allowance refills in real time: once that wait has passed there, the page's
      // retry, made on its own (paused) clock exactly retryIn seconds after the refusal, gets in.
      await Bun.sleep(retryIn * 1000);
      await page.clock.fastForward(retryIn * 1000 - 1);
      expect(sockets).toBe(1);
      const retry = page.waitForEvent("websocket");
      await page.clock.fastForward(1);
      await retry;
      await page.locator("#conn[data-conn=online]").waitFor();
      expect(await page.locator("#console").isVisible()).toBe(true);
      expect(errors).toHaveLength(1);
      expect(sockets).toBe(2);
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );
});
