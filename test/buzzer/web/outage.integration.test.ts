/**
 * The pages of a cluster while Redis is away, in a real browser against a real server on a real
 * redis-server: a press refused UNAVAILABLE leaves the player's button live for the next press, and
 * a mark refused so is not shown on the host console; both work once Redis is back.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasRedis, redisAdmin, startRedis } from "../../support.ts";
import { member, type Server } from "../cluster_support.ts";
import { Peer } from "../peer.ts";
import { browserSuite, buzzState, hasChromium, joinAs, LAPTOP, signIn, text, WAIT } from "./browser.ts";

const SECRET = "outage-secret";
const LOST = "Redis: connection lost";
const BACK = "Redis: connection back";
const STORE = "the game's store cannot be reached: try again in a moment";
const browser = browserSuite();

/** Resolves once the server has said `line` on stderr (the deadline only stops a hang). */
async function said(server: Server, line: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!server.stderr().includes(line)) {
    if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(line)} on stderr: ${server.stderr()}`);
    await Bun.sleep(20);
  }
}

describe("pages while Redis is away", () => {
  test.skipIf(!hasChromium || !hasRedis())(
    "a refused press leaves the button live, a refused mark is not shown, and both work once Redis is back",
    async () => {
      // Its data kept on disk, so that Redis comes back with the game.
      const dir = mkdtempSync(join(tmpdir(), "buzzer-outage-"));
      let redis = await startRedis({ dir });
      const server = await member(redis.url, SECRET);
      try {
        const base = `http://localhost:${server.port}`;
        const open = async (path: string, viewport?: typeof LAPTOP) =>
          browser.browsing.open(await browser.browsing.device(viewport), base + path);
        const host = await open("/host", LAPTOP);
        await signIn(host, "OUT", "roompass");
        const phone = await open("/r/OUT");
        await joinAs(phone, "Ann");
        const { peer: ben } = await Peer.join(server.url, { name: "Ben", room: "OUT" });
        await host.keyboard.press("o");
        await buzzState(phone, "open");
        ben.send({ type: "buzz", at: performance.now() });
        await ben.next("verdict", () => true, WAIT);
        await host.locator("#order li", { hasText: "Ben" }).waitFor();

        const port = redis.port;
        await redisAdmin(redis.url, "SHUTDOWN", ["SAVE"]).catch(() => {});
        await redis.proc.exited;
        await said(server, LOST);
        await phone.tap("#buzz");
        await phone.locator("#notice", { hasText: STORE }).waitFor();
        await buzzState(phone, "open");
        await host.getByRole("button", { name: "Right: Ben" }).click();
        await host.locator("#phase-detail", { hasText: STORE }).waitFor();
        await host.locator('#order li[data-judged="right"]').waitFor({ state: "detached" });
        expect(await host.getByRole("button", { name: "Right: Ben" }).isDisabled()).toBe(false);

        redis = await startRedis({ port, dir });
        await said(server, BACK);
        await phone.tap("#buzz");
        await buzzState(phone, "placed");
        await host.getByRole("button", { name: "Right: Ben" }).click();
        await ben.next("score", (m) => m.judged === "right", WAIT);
        expect(await text(host, "#order li:first-child .name")).toBe("Ben");
        ben.close();
        expect(browser.browsing.problems).toEqual([]);
      } finally {
        await server.stop();
        await redis.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
