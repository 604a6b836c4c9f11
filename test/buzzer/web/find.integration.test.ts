/**
 * The host console's search in a real browser against the real server: in a room bigger than the
 * console's lists, the host finds a player past them by name and by place, marks its answer, renames
 * it and kicks it, from the search's rows; a field typed in keeps the focus when a row above it goes
 * (browser.ts: Chromium).
 */
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { Peer } from "../peer.ts";
import { hasChromium, LAPTOP, pageSuite, signIn, text, WAIT } from "./browser.ts";

// Every client here comes from one address: the big room's players exceed the default allowance of 200.
const suite = pageSuite(["--secret", "s3cret", "--joins-per-address", "1000"]);

/** Where an element's top is on the page (not the viewport), in CSS pixels. */
const pageTop = (page: Page, selector: string) =>
  page
    .locator(selector)
    .evaluate((el) => el.getBoundingClientRect().top + (el.ownerDocument.defaultView?.scrollY ?? 0));

describe("host console search", () => {
  test.skipIf(!hasChromium)(
    "finds player #220 of 230 by name and by place, then marks its answer right, renames it and kicks it",
    async () => {
      const room = "FIND";
      const host = await suite.page("/host", LAPTOP);
      await signIn(host, room, "roompass");
      const peers = await Peer.crowd(suite.server.url, room, 230);
      const p220 = peers[219] as Peer;
      await host.locator("#player-count", { hasText: "(230)" }).waitFor();
      expect(await host.locator("#players tr", { hasText: "P220" }).count()).toBe(0);

      // By name: the list gives way to the results, counted out of the room.
      await host.fill("#find", "p220");
      const row = host.locator("#found tr", { hasText: "P220" });
      await row.waitFor();
      expect(await text(host, "#found-note")).toBe("1 of 230 players matches");
      // A screen reader hears the matches, not the room's size (a live region of its own).
      expect(await text(host, "#found-said")).toBe("1 player matches");
      expect(await host.locator("#found-note").getAttribute("role")).toBeNull();
      expect(await host.locator("#players").isHidden()).toBe(true);
      expect(await host.locator("#players-more").isHidden()).toBe(true);
      expect(await row.locator(".badge.place").isHidden()).toBe(true);
      expect(await row.locator(".judge").isHidden()).toBe(true);

      // 219 players buzz, then P220, 220th: the search runs again with the room, and its row shows the place.
      const findAt = await pageTop(host, "#find");
      await host.click("#open");
      await Promise.all(peers.map((p) => p.next("state", (s) => s.phase === "open", WAIT)));
      for (const p of peers.slice(0, 219)) p.send({ type: "buzz", at: performance.now() });
      await Promise.all(peers.slice(0, 219).map((p) => p.next("verdict", () => true, WAIT)));
      p220.send({ type: "buzz", at: performance.now() });
      expect((await p220.next("verdict", () => true, WAIT)).place).toBe(220);
      await row.locator(".badge.place", { hasText: "220th this round" }).waitFor();
      // The 200 places listed above it did not push the search (and the row under the mouse) down.
      expect(await pageTop(host, "#find")).toBe(findAt);

      // By place, past the 200 places the order lists: marked right from the search's row.
      // From an empty box, so the note and the row below are this search's, not the last one's.
      await host.fill("#find", "");
      await host.fill("#find", "#220");
      await host.locator("#found-note", { hasText: "1 of 230 players matches" }).waitFor();
      expect(await host.locator("#found tr").count()).toBe(1);
      await row.getByRole("button", { name: "Right: P220" }).click();
      expect(await p220.next("score", (s) => s.judged !== undefined, WAIT)).toMatchObject({
        judged: "right",
        points: 1,
      });
      await host.locator("#found tr[data-judged=right] td.points", { hasText: "1" }).waitFor();
      expect(await row.getByRole("button", { name: "Wrong: P220" }).isDisabled()).toBe(true);

      // Renamed from the search's row (the place still finds it): the dialog waits for the new name.
      await row.getByRole("button", { name: "Rename P220" }).click();
      await host.fill("#dialog-input", "Zed");
      await host.click("#dialog-confirm");
      expect((await p220.next("welcome", () => true, WAIT)).name).toBe("Zed");
      await host.locator("#dialog").waitFor({ state: "hidden" });
      const renamed = host.locator("#found tr", { hasText: "Zed" });
      expect(await renamed.locator(".badge.place").textContent()).toBe("220th this round");

      // Kicked from the search's row: the player is closed, and the search finds no one.
      await renamed.getByRole("button", { name: "Kick Zed" }).click();
      await host.locator("#dialog-title", { hasText: "Kick Zed?" }).waitFor();
      await host.click("#dialog-confirm");
      expect((await p220.closed).code).toBe(4001);
      await host.locator("#found-note", { hasText: "No player matches" }).waitFor();
      expect(await host.locator("#found tr").count()).toBe(0);

      // An empty box brings the list back.
      await host.fill("#find", "");
      await host.locator("#players-more", { hasText: "200 of 229 shown" }).waitFor();
      expect(await host.locator("#players").isVisible()).toBe(true);
      expect(await host.locator("#found-note").isHidden()).toBe(true);
      for (const p of peers) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    60_000,
  );

  test.skipIf(!hasChromium)(
    "keeps the focus in a result's team field when a result above it goes",
    async () => {
      const room = "FOCUS";
      const host = await suite.page("/host", LAPTOP);
      await signIn(host, room, "roompass");
      // Joined one after another: the results list them in that order.
      const peers = [];
      for (const name of ["Zoe", "Zora", "Zoltan"])
        peers.push(await Peer.join(suite.server.url, { name, room }));
      await host.fill("#find", "zo");
      await host.locator("#found-note", { hasText: "3 of 3 players match" }).waitFor();
      const zoe = peers[0]?.welcome.id;
      expect(await host.locator("#found tr").first().getAttribute("data-player")).toBe(zoe ?? "");

      // Typing a team for the last result while another tab of the console kicks the first.
      const team = host.locator("#found").getByRole("combobox", { name: "Team of Zoltan" });
      await team.click();
      await host.keyboard.type("Re");
      const other = await Peer.join(suite.server.url, { room, secret: "roompass" });
      other.peer.send({ type: "kick", player: zoe });
      await host.locator("#found-note", { hasText: "2 of 2 players match" }).waitFor();
      await host.keyboard.type("d");
      await host.keyboard.press("Enter");
      expect(await team.inputValue()).toBe("Red");
      expect((await peers[2]?.peer.next("score", (s) => s.team === "Red", WAIT))?.team).toBe("Red");
      for (const p of [...peers.map((j) => j.peer), other.peer]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );
});
