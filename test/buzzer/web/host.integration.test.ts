/**
 * The host console in a real browser against the real server: kick asks first and can ban, judging
 * and awarding show on the leaderboard, N is the next question, the console says when it is
 * offline, a refresh keeps it signed in, and the join link is the one the server gives.
 */
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { bun, type Running, type Server, startServer } from "../../support.ts";
import { Peer } from "../peer.ts";
import { hasChromium, joinAs, LAPTOP, pageSuite, signIn, text, texts, WAIT } from "./browser.ts";

const SECRET = "s3cret";
const PASS = "roompass";

const suite = pageSuite(["--secret", SECRET]);

/** A host console on a laptop-sized screen, signed in to `room`. */
async function console_(room: string, origin = suite.base): Promise<Page> {
  const page = await suite.browsing.open(await suite.browsing.device(LAPTOP), `${origin}/host`);
  await signIn(page, room, PASS);
  return page;
}

/** A console on `room` that opened its round with the keyboard, and Pat, whose buzz its order shows. */
async function patBuzzed(room: string): Promise<{ host: Page; peer: Peer }> {
  const host = await console_(room);
  const { peer } = await Peer.join(suite.server.url, { name: "Pat", room });
  await host.keyboard.press("o");
  await peer.next("state", (s) => s.phase === "open", WAIT);
  peer.send({ type: "buzz", at: performance.now() });
  await host.locator("#order li").first().waitFor();
  return { host, peer };
}

/** Waits until the host console's player list shows a row for `name`. */
const row = (page: Page, name: string) => page.locator("#players tr", { hasText: name });

describe("host console", () => {
  test.skipIf(!hasChromium)(
    "kick asks first, naming the player; a double click kicks nobody else; a ban keeps the name and device out; rename; remove offline players",
    async () => {
      const room = "KICK";
      const host = await console_(room);
      const ben = await suite.page(`/r/${room}`);
      await joinAs(ben, "Ben");
      const { peer: ann } = await Peer.join(suite.server.url, { name: "Ann", room });
      await row(host, "Ann").waitFor();
      await row(host, "Ben").waitFor();
      const token = await ben.evaluate(
        () => JSON.parse(localStorage.getItem("buzzer:player:KICK") ?? "{}").token,
      );
      expect(token).toMatch(/^[0-9a-f]{32}$/);

      // Cancelling asks nothing of the server: the dialog closes and both are still there.
      await host.getByRole("button", { name: "Kick Ben" }).click();
      await host.locator("#dialog[open]").waitFor();
      expect(await text(host, "#dialog-title")).toBe("Kick Ben?");
      await host.click("#dialog-cancel");
      await host.locator("#dialog").waitFor({ state: "hidden" });

      // A double click opens one dialog for Ben; the second click falls on the dialog, not on a row.
      await host.getByRole("button", { name: "Kick Ben" }).dblclick();
      await host.locator("#dialog[open]").waitFor();
      expect(await text(host, "#dialog-title")).toBe("Kick Ben?");
      await host.check("#dialog-ban-box");
      await host.click("#dialog-confirm");
      await ben.locator("#join-form").waitFor();
      expect(await text(ben, "#join-error")).toBe(
        `The host removed you from room ${room}: you cannot join it again.`,
      );
      await row(host, "Ben").waitFor({ state: "detached" });
      expect((await texts(host, "#players .player-name")).sort()).toEqual(["Ann"]);
      expect(ann.ws.readyState).toBe(WebSocket.OPEN);

      // Banned: neither the name nor the device's token gets back in.
      const banned = { code: "BANNED", message: `you were removed from room ${room} by the host` } as const;
      for (const join of [
        { name: "Ben", room },
        { name: "Benny", room, token: token as string },
      ]) {
        const again = new Peer(suite.server.url);
        await again.opened;
        again.send({ type: "join", ...join });
        expect(await again.next("error", () => true, WAIT)).toEqual({ type: "error", ...banned });
        again.close();
      }

      // Rename: the dialog starts with the old name; everyone sees the new one.
      await host.getByRole("button", { name: "Rename Ann" }).click();
      expect(await host.inputValue("#dialog-input")).toBe("Ann");
      await host.fill("#dialog-input", "Annie");
      await host.click("#dialog-confirm");
      await row(host, "Annie").waitFor();
      expect(await texts(host, "#players .player-name")).toEqual(["Annie"]);

      // "Remove offline players" says how many, then removes them.
      ann.close();
      await row(host, "Annie").locator(".badge.offline").waitFor();
      await host.click("#prune");
      expect(await text(host, "#dialog-title")).toBe("Remove 1 offline player?");
      await host.click("#dialog-confirm");
      await row(host, "Annie").waitFor({ state: "detached" });
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a rename the server refuses keeps its dialog open with the server's reason; a good name then closes it",
    async () => {
      const room = "NAMES";
      const host = await console_(room);
      const { peer: ann } = await Peer.join(suite.server.url, { name: "Ann", room });
      await row(host, "Ann").waitFor();
      await host.getByRole("button", { name: "Rename Ann" }).click();
      // A zero-width space passes the console's length check; the server drops it and finds no name.
      await host.fill("#dialog-input", "\u200b");
      await host.click("#dialog-confirm");
      await host.locator("#dialog-error", { hasText: "Name must not be empty." }).waitFor();
      expect(await host.locator("#dialog[open]").count()).toBe(1);
      expect(await text(host, "#phase-detail")).not.toContain("must not be empty");
      await host.fill("#dialog-input", "Annie");
      await host.click("#dialog-confirm");
      await host.locator("#dialog[open]").waitFor({ state: "detached" });
      await row(host, "Annie").waitFor();
      ann.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "right, wrong and awarded points show on the leaderboard, by player and by team, and download as CSV",
    async () => {
      const room = "SCORE";
      const host = await suite.browsing.open(await suite.browsing.device(LAPTOP), `${suite.base}/host`);
      const sent: Record<string, unknown>[] = [];
      host.on("websocket", (ws) =>
        ws.on("framesent", ({ payload }) => sent.push(JSON.parse(String(payload)))),
      );
      await signIn(host, room, PASS);
      const { peer: ann } = await Peer.join(suite.server.url, { name: "Ann", room });
      const { peer: ben } = await Peer.join(suite.server.url, { name: "Ben", room });
      await row(host, "Ben").waitFor();

      // The panel offers the server's ranges: a wrong answer costs points or nothing.
      const range = async (name: string) => [
        await host.getAttribute(`#rules input[name=${name}]`, "min"),
        await host.getAttribute(`#rules input[name=${name}]`, "max"),
      ];
      expect(await range("wrong")).toEqual(["-1000", "0"]);
      expect(await range("timer")).toEqual(["0", "600"]);
      // Rules typed into the panel: a right answer is 2, a wrong one -1.
      for (const [name, value] of [
        ["right", "2"],
        ["wrong", "-1"],
      ] as const) {
        await host.fill(`#rules input[name=${name}]`, value);
        await host.locator(`#rules input[name=${name}]`).blur();
      }
      // The host puts Ann in team Red.
      await host.getByLabel("Team of Ann").fill("Red");
      await host.getByLabel("Team of Ann").press("Enter");
      await host.getByLabel("Team of Ann").blur();
      await host.locator("#teams li .name", { hasText: "Red" }).waitFor();

      await host.keyboard.press("o");
      await ann.next("state", (s) => s.phase === "open", WAIT);
      ann.send({ type: "buzz", at: performance.now() });
      await ann.next("verdict", () => true, WAIT);
      ben.send({ type: "buzz", at: performance.now() });
      await ben.next("verdict", () => true, WAIT);
      await host.locator("#order li").nth(1).waitFor();

      await host.getByRole("button", { name: "Right: Ann" }).click();
      await host.locator("#scores li", { hasText: "Ann" }).locator(".points", { hasText: "2" }).waitFor();
      await host.getByRole("button", { name: "Wrong: Ben" }).click();
      await host.locator("#scores li", { hasText: "Ben" }).locator(".points", { hasText: "-1" }).waitFor();
      expect(await host.getByRole("button", { name: "Right: Ann" }).isDisabled()).toBe(true);

      await host.getByRole("button", { name: "Give Ben points" }).click();
      expect(await text(host, "#dialog-title")).toBe("Points for Ben");
      await host.fill("#dialog-input", "5");
      await host.click("#dialog-confirm");
      await host.locator("#scores li .name").first().filter({ hasText: "Ben" }).waitFor();
      expect(await texts(host, "#scores li .name")).toEqual(["Ben", "Ann"]);
      expect(await texts(host, "#scores li .points")).toEqual(["4", "2"]);
      expect(await texts(host, "#scores li .rank")).toEqual(["1", "2"]);
      expect(await texts(host, "#teams li .name")).toEqual(["Red"]);
      expect(await texts(host, "#teams li .points")).toEqual(["2"]);
      expect(await text(host, '#players tr:has-text("Ben") .points')).toBe("4");
      // The award went with an id of its own, so a copy the server sends again gives nothing.
      expect(sent.filter((m) => m.type === "award")).toEqual([
        { type: "award", player: expect.any(String), points: 5, id: expect.stringMatching(/^[0-9a-f]{16}$/) },
      ]);

      const [download] = await Promise.all([host.waitForEvent("download"), host.click("#scores-csv")]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^scores-${room}-.*\\.csv$`));
      const csv = await Bun.file((await download.path()) as string).text();
      expect(csv).toContain("Ann");
      expect(csv).toContain("Ben");
      ann.close();
      ben.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "right and wrong follow the server's mark in every tab and after a reload; a verdict given twice is refused in words; a rename shows in the order",
    async () => {
      const room = "JUDGE";
      const host = await console_(room);
      // A second console whose room updates the test can hold back, as a slow tab would see them.
      let hold = false;
      const device = await suite.browsing.device(LAPTOP);
      await device.routeWebSocket(/.*/, (ws) => {
        const real = ws.connectToServer();
        real.onMessage((message) => {
          if (!(hold && String(message).includes('"type":"state"'))) ws.send(message);
        });
      });
      const other = await suite.browsing.open(device, `${suite.base}/host`);
      await signIn(other, room, PASS);
      const { peer: ann } = await Peer.join(suite.server.url, { name: "Ann", room });
      const { peer: ben } = await Peer.join(suite.server.url, { name: "Ben", room });
      await row(host, "Ben").waitFor();
      await host.keyboard.press("o");
      await ann.next("state", (s) => s.phase === "open", WAIT);
      ann.send({ type: "buzz", at: performance.now() });
      await ann.next("verdict", () => true, WAIT);
      ben.send({ type: "buzz", at: performance.now() });
      await ben.next("verdict", () => true, WAIT);
      await host.locator("#order li").nth(1).waitFor();
      await other.locator("#order li").nth(1).waitFor();
      expect(await other.getByRole("button", { name: "Right: Ann" }).isDisabled()).toBe(false);

      // The other tab learns the mark from the server: its buttons for Ann are disabled and show it.
      await host.getByRole("button", { name: "Right: Ann" }).click();
      await other.locator('#order li[data-judged="right"]').waitFor();
      expect(await other.getByRole("button", { name: "Right: Ann" }).isDisabled()).toBe(true);
      expect(await other.getByRole("button", { name: "Wrong: Ann" }).isDisabled()).toBe(true);
      expect(await other.getByRole("button", { name: "Right: Ann" }).getAttribute("aria-pressed")).toBe(
        "true",
      );
      expect(await other.getByRole("button", { name: "Wrong: Ben" }).isDisabled()).toBe(false);

      // Both tabs mark Ben before the slow one hears of the first mark: the server counts one and
      // the slow tab says why its click did nothing.
      hold = true;
      await host.getByRole("button", { name: "Wrong: Ben" }).click();
      // The clicking tab shows its mark at once; the server has it once Ben is told.
      await ben.next("score", (m) => m.judged === "wrong", WAIT);
      await other.getByRole("button", { name: "Right: Ben" }).click();
      await other
        .locator("#order-note", { hasText: "Ben's answer is already marked wrong this round." })
        .waitFor();
      expect(await other.locator("#order-note").isVisible()).toBe(true);
      hold = false;

      // A reload keeps both marks: they come from the server, not from the page's memory.
      await host.reload();
      await host.locator("#conn[data-conn=online]").waitFor();
      await host.locator('#order li[data-judged="wrong"]').waitFor();
      for (const name of ["Right: Ann", "Wrong: Ann", "Right: Ben", "Wrong: Ben"])
        expect(await host.getByRole("button", { name }).isDisabled()).toBe(true);
      expect(await host.getByRole("button", { name: "Right: Ann" }).getAttribute("aria-pressed")).toBe(
        "true",
      );

      // A rename shows at once in the order already shown, in both tabs.
      await host.getByRole("button", { name: "Rename Ben" }).click();
      await host.fill("#dialog-input", "Benno");
      await host.click("#dialog-confirm");
      for (const page of [host, other]) {
        await page.locator("#order li .name", { hasText: "Benno" }).waitFor();
        expect(await page.getByRole("button", { name: "Wrong: Benno" }).isDisabled()).toBe(true);
        expect(await page.locator("#order li").count()).toBe(2);
      }
      ann.close();
      ben.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "N is the next question (a new round, open at once), R a new round; a false start is forgiven; the timer counts down",
    async () => {
      const { host, peer } = await patBuzzed("NEXT");

      await host.keyboard.press("n");
      await peer.next("state", (s) => s.round === 2 && s.phase === "open", WAIT);
      await host.locator("#round-number", { hasText: "2" }).waitFor();
      await host.locator("#phase", { hasText: "open" }).waitFor();
      expect(await host.locator("#order li").count()).toBe(0);

      await host.keyboard.press("r");
      await host.locator("#round-number", { hasText: "3" }).waitFor();
      await host.locator("#phase", { hasText: "locked" }).waitFor();
      expect(await text(host, "#phase-detail")).toBe("buzzers closed: a press now is a false start");

      // A buzz before the round opens is a false start: the console shows it and can forgive it.
      peer.send({ type: "buzz", at: performance.now() });
      await row(host, "Pat").locator(".badge.out", { hasText: "false start" }).waitFor();
      await host.getByRole("button", { name: "Forgive Pat's false start" }).click();
      await row(host, "Pat").locator(".badge.out").waitFor({ state: "hidden" });

      // With a per-question timer, the console counts down while the round is open.
      await host.fill("#rules input[name=timer]", "30");
      await host.locator("#rules input[name=timer]").blur();
      await host.keyboard.press("n");
      await host.locator("#phase-detail", { hasText: /^buzzers live · closes in \d+ s$/ }).waitFor();
      peer.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "Open, Countdown and Lock (keys o, c, l) name the round the console shows, so a late copy leaves the next round alone",
    async () => {
      const host = await suite.browsing.open(await suite.browsing.device(LAPTOP), `${suite.base}/host`);
      const sent: Record<string, unknown>[] = [];
      host.on("websocket", (ws) =>
        ws.on("framesent", ({ payload }) => sent.push(JSON.parse(String(payload)))),
      );
      await signIn(host, "SHOWN", PASS);
      for (const [key, phase] of [
        ["o", "open"],
        ["l", "locked"],
        ["c", "armed"],
        ["l", "locked"],
        ["r", "locked"],
      ] as const) {
        await host.keyboard.press(key);
        await host.locator(`#phase[data-phase=${phase}]`).waitFor();
      }
      await host.locator("#round-number", { hasText: "2" }).waitFor();
      await host.click("#open");
      await host.locator("#phase[data-phase=open]").waitFor();
      expect(sent.filter((m) => m.type === "arm" || m.type === "lock")).toEqual([
        { type: "arm", round: 1 },
        { type: "lock", round: 1 },
        { type: "arm", countdown: expect.any(Number), round: 1 },
        { type: "lock", round: 1 },
        { type: "arm", round: 2 },
      ]);
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a double click on Next question on a room's first question opens round 1 once, not round 1 and then round 2",
    async () => {
      const host = await console_("FIRST");
      const { peer } = await Peer.join(suite.server.url, { name: "Pat", room: "FIRST" });
      await row(host, "Pat").waitFor();
      // Both clicks in one task: the second is sent while the console still shows round 1 unplayed.
      await host.evaluate(`for (let i = 0; i < 2; i++) document.getElementById("next").click()`);
      await peer.next("state", (s) => s.phase === "open", WAIT);
      // The console's Lock is disabled until its own view says open: on a loaded machine that can
      // come after the player's, and a key pressed before it does nothing.
      await host.locator("#phase", { hasText: "open" }).waitFor();
      // A lock sent after the double click is applied after both of its messages (the unit tests
      // show a buzz between them stays).
      await host.keyboard.press("l");
      await host.locator("#phase", { hasText: "locked" }).waitFor();
      expect(await text(host, "#round-number")).toBe("1");
      peer.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a double click on Next question or New round starts one round, and keeps the buzzes of the new one",
    async () => {
      const { host, peer } = await patBuzzed("TWICE");

      // Both clicks in one task: the second is sent before the state of the first can come back.
      const twice = (id: string) =>
        host.evaluate(`for (let i = 0; i < 2; i++) document.getElementById(${JSON.stringify(id)}).click()`);
      await twice("next");
      await peer.next("state", (s) => s.round === 2 && s.phase === "open", WAIT);
      peer.send({ type: "buzz", at: performance.now() });
      await peer.next("verdict", (v) => v.round === 2, WAIT);
      // Round 1 was open too: the console must show round 2 before its Lock names that round (a
      // lock of round 1, the round it showed until then, would rightly leave round 2 alone).
      await host.locator("#round-number", { hasText: "2" }).waitFor();
      await host.locator("#phase", { hasText: "open" }).waitFor();
      // A lock sent after the double click is applied after both of its messages.
      await host.keyboard.press("l");
      await host.locator("#phase", { hasText: "locked" }).waitFor();
      expect(await text(host, "#round-number")).toBe("2");
      expect(await host.locator("#order li").count()).toBe(1);

      await twice("reset");
      await host.locator("#round-number", { hasText: "3" }).waitFor();
      await host.keyboard.press("o");
      await host.locator("#phase", { hasText: "open" }).waitFor();
      expect(await text(host, "#round-number")).toBe("3");
      peer.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "while the server is down the console says it is offline instead of the last phase, and recovers",
    async () => {
      let own: Running = await startServer("buzzer/buzzer_server.ts", ["--secret", SECRET]);
      const port = (own as Server).port;
      try {
        const host = await console_("DOWN", `http://localhost:${port}`);
        const { peer } = await Peer.join(`ws://localhost:${port}`, { name: "Pat", room: "DOWN" });
        await host.keyboard.press("o");
        await host.locator("#phase", { hasText: "open" }).waitFor();
        await row(host, "Pat").locator(".conn-dot").waitFor();

        await own.stop();
        await host.locator("#phase[data-phase=offline]").waitFor();
        expect(await text(host, "#phase")).toBe("offline");
        expect(await text(host, "#phase-detail")).toBe("Not connected to the server: trying again…");
        expect(await host.locator("#console.offline").count()).toBe(1);
        expect(await host.isDisabled("#open")).toBe(true);
        expect(await host.isDisabled("#next")).toBe(true);
        expect(await row(host, "Pat").locator(".conn-dot").isVisible()).toBe(false);
        // Points given meanwhile are not lost in silence: the dialog stays, saying why nothing was given.
        await host.getByRole("button", { name: "Give Pat points" }).click();
        // The console tries to reconnect meanwhile (its first retries come within a second): the
        // dialog asked since the link went stays through them.
        await Bun.sleep(1500);
        await host.fill("#dialog-input", "3");
        await host.click("#dialog-confirm");
        await host.locator("#dialog-error", { hasText: "Not connected." }).waitFor();
        expect(await host.locator("#dialog").isVisible()).toBe(true);
        await host.click("#dialog-cancel");
        peer.close();

        own = bun("buzzer/buzzer_server.ts", ["--port", String(port), "--secret", SECRET]);
        await own.waitFor(/Server started/);
        await host.locator("#conn[data-conn=online]").waitFor();
        await host.locator("#phase[data-phase=locked]").waitFor();
        expect(await host.locator("#console.offline").count()).toBe(0);
        expect(await host.isDisabled("#open")).toBe(false);
        expect(suite.browsing.problems).toEqual([]);
      } finally {
        await own.stop();
      }
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a refresh keeps the host signed in, in that tab only, and the secret never goes to localStorage",
    async () => {
      const host = await console_("STAY");
      await host.reload();
      await host.locator("#conn[data-conn=online]").waitFor();
      expect(await host.locator("#login-form").isHidden()).toBe(true);
      expect(await host.locator("#console").isVisible()).toBe(true);
      expect(await text(host, "#room-code")).toBe("STAY");
      expect(await host.evaluate(() => JSON.stringify(localStorage))).not.toContain(PASS);
      // Another tab of the same browser starts signed out (sessionStorage is per tab).
      const other = await suite.browsing.open(host.context(), `${suite.base}/host`);
      await other.locator("#login-form").waitFor();
      expect(await other.locator("#console").isHidden()).toBe(true);
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "the join link at the top is the server's /join with its QR code, and warns when only this computer can join",
    async () => {
      const join = (await (await fetch(`${suite.base}/join`)).json()) as { url: string; reachable: boolean };
      expect(join.reachable).toBe(false);
      const host = await console_("LINK");
      const url = new URL("/r/LINK", join.url).href;
      await host.locator(`#join-url[href="${url}"]`).waitFor();
      expect(await text(host, "#join-url")).toBe(url.replace(/^http:\/\//, ""));
      expect(await host.locator("#join-qr svg path").count()).toBe(1);
      expect(await text(host, "#join-warning")).toBe(
        "Only this computer can join: start the server with --host 0.0.0.0",
      );
      // Above the fold: the link shows without scrolling.
      const box = await host.locator("#join-url").boundingBox();
      expect(box && box.y + box.height).toBeLessThan(900);
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );
});
