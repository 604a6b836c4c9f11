/**
 * Undoing a mark in a real browser against the real server: the host console's Undo beside a
 * marked answer takes the mark and its points back on the console, the projector and the phones,
 * by keyboard as well as by mouse, and the answer may be marked again.
 */
import { describe, expect, test } from "bun:test";
import { Peer } from "../peer.ts";
import { HD, hasChromium, joinAs, LAPTOP, pageSuite, signIn, text, WAIT } from "./browser.ts";

const suite = pageSuite(["--secret", "s3cret"]);

describe("host console undo", () => {
  test.skipIf(!hasChromium)(
    "the host marks an answer, undoes it from the keyboard, and the console, the projector and a phone stop showing the mark; it may be marked again",
    async () => {
      const room = "UNDO";
      const host = await suite.page("/host", LAPTOP);
      await signIn(host, room, "roompass");
      const screen = await suite.page(`/screen?room=${room}`, HD);
      await screen.locator("#conn[data-conn=online]").waitFor();
      const phone = await suite.page(`/r/${room}`);
      await joinAs(phone, "Ann");
      const { peer: ben } = await Peer.join(suite.server.url, { name: "Ben", room });
      await host.locator("#players tr", { hasText: "Ben" }).waitFor();

      // Ben wins; Ann's phone sees his mark come and go in its order as any other phone would.
      await host.keyboard.press("o");
      await ben.next("state", (s) => s.phase === "open", WAIT);
      ben.send({ type: "buzz", at: performance.now() });
      await ben.next("verdict", () => true, WAIT);
      await phone.locator("#buzz[data-state=open]").waitFor();
      await phone.tap("#buzz");
      await phone.locator("#order li").nth(1).waitFor();

      // No Undo on an answer not marked yet.
      const undo = host.getByRole("button", { name: "Undo mark: Ben" });
      expect(await undo.isHidden()).toBe(true);
      const right = host.getByRole("button", { name: "Right: Ben" });
      await right.focus();
      await host.keyboard.press("Enter");
      await screen.locator("#winner-name .badge.right").waitFor();
      await phone.locator("#order li", { hasText: "Ben" }).locator(".badge.right").waitFor();
      await ben.next("score", (m) => m.judged === "right", WAIT);
      // The keyboard is on the Undo the mark brought up: Enter takes it back.
      expect(await undo.isVisible()).toBe(true);
      expect(await host.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe(
        "Undo mark: Ben",
      );
      await host.keyboard.press("Enter");

      await screen.locator("#winner-name .badge").waitFor({ state: "detached" });
      await phone.locator("#order .badge.right").waitFor({ state: "detached" });
      await ben.next("score", (m) => m.points === 0, WAIT);
      await host.locator("#scores-empty").waitFor();
      expect(await host.locator("#order li").first().getAttribute("data-judged")).toBeNull();
      expect(await right.isDisabled()).toBe(false);
      expect(await undo.isHidden()).toBe(true);
      expect(await text(screen, "#winner-name")).toBe("Ben");
      expect(await screen.locator("#order .badge").count()).toBe(0);

      // Marked again, wrong this time: shown everywhere as the first mark was.
      await host.getByRole("button", { name: "Wrong: Ben" }).click();
      await screen.locator("#winner-name .badge.wrong").waitFor();
      await phone.locator("#order li", { hasText: "Ben" }).locator(".badge.wrong").waitFor();
      await host.locator('#order li[data-judged="wrong"]').waitFor();
      ben.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    30_000,
  );
});
