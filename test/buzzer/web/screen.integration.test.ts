/**
 * The projector (/screen) and the player page for a quiz, in a real browser against the real
 * server: a big round fits a 1080p projector without scrolling, the lobby names who joined, the
 * light theme, the sounds, and the player's score, team and landscape layout.
 */
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { Peer } from "../peer.ts";
import { HD, hasChromium, pageSuite, text, texts, type Viewport, WAIT } from "./browser.ts";

const suite = pageSuite(["--secret", "s3cret"]);

/** Opens the projector for `room` at 1920×1080, after running `init` in the page before its scripts. */
async function projector(room: string, query = "", init?: string): Promise<Page> {
  const context = await suite.browsing.device(HD);
  if (init) await context.addInitScript({ content: init });
  const page = await suite.browsing.open(context, `${suite.base}/screen?room=${room}${query}`);
  await page.locator("#conn[data-conn=online]").waitFor();
  return page;
}

/** A host peer for a new room, and `n` player peers joined to it. */
async function room(code: string, names: string[]): Promise<{ host: Peer; players: Peer[] }> {
  const { peer: host } = await Peer.join(suite.server.url, { room: code, secret: "roompass" });
  const joined = await Promise.all(names.map((name) => Peer.join(suite.server.url, { name, room: code })));
  return { host, players: joined.map((j) => j.peer) };
}

/** Whether the page scrolls: its content is taller or wider than the window. */
const scrolls = (page: Page): Promise<boolean> =>
  page.evaluate(
    "document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth",
  );

/** The computed font size of the first element matching `selector`, in px. */
const fontPx = async (page: Page, selector: string): Promise<number> =>
  Number.parseFloat(
    await page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).fontSize`),
  );

/** Records the frequency of every tone the page starts, in `window.tones` (run before the page's scripts). */
const RECORD_TONES = `
  window.tones = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (when) {
    window.tones.push(this.frequency.value);
    return start.call(this, when);
  };
`;
const tones = (page: Page): Promise<number[]> => page.evaluate("window.tones");
const toneHeard = (page: Page, frequency: number) =>
  page.waitForFunction((f) => (globalThis as unknown as { tones: number[] }).tones.includes(f), frequency);

describe("projector", () => {
  test.skipIf(!hasChromium)(
    "fifty buzzes all fit a 1080p projector without scrolling: the first places large, the rest in a denser grid",
    async () => {
      const names = Array.from({ length: 50 }, (_, i) => `Player ${i + 1}`);
      const { host, players } = await room("FIFTY", names);
      const page = await projector("FIFTY");
      host.send({ type: "arm" });
      await Promise.all(players.map((p) => p.next("state", (s) => s.phase === "open", WAIT)));
      for (const p of players) p.send({ type: "buzz", at: performance.now() });
      await Promise.all(players.map((p) => p.next("verdict", () => true, WAIT)));

      await page.locator("#order li").nth(49).waitFor();
      expect(await page.locator("#order li").count()).toBe(50);
      expect(await texts(page, "#order li .place")).toEqual(
        Array.from({ length: 50 }, (_, i) => String(i + 1)),
      );
      expect(await page.locator("#order-more").isHidden()).toBe(true);
      expect(await page.evaluate("document.documentElement.scrollHeight <= innerHeight")).toBe(true);
      expect(await scrolls(page)).toBe(false);
      // Every place is wholly inside the window: none cut off at the foot or the side.
      for (const li of await page.locator("#order li").all()) {
        const box = await li.boundingBox();
        expect(box).not.toBeNull();
        expect(box?.x).toBeGreaterThanOrEqual(0);
        expect(box?.y).toBeGreaterThanOrEqual(0);
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(HD.width);
        expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(HD.height);
      }
      // The first places stay large; the rest are smaller but readable (20 px or more).
      expect(await fontPx(page, "#order li:nth-child(1)")).toBeGreaterThanOrEqual(28);
      expect(await fontPx(page, "#order li:nth-child(3)")).toBeGreaterThanOrEqual(28);
      expect(await fontPx(page, "#order li:nth-child(50)")).toBeGreaterThanOrEqual(20);
      // The join card and the leaderboard are still on the screen.
      for (const id of ["#room-code", "#qr", "#join-url", "#board"]) {
        const box = await page.locator(id).boundingBox();
        expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(HD.height);
        expect(box?.height).toBeGreaterThan(0);
      }
      // Readable from the back of the room: the code at 48 px or more, the join URL at 30 px or more
      // (larger, a LAN address would break across lines mid-port: see the test of the join address).
      expect(await fontPx(page, "#join-url")).toBeGreaterThanOrEqual(30);
      expect(await fontPx(page, "#room-code")).toBeGreaterThanOrEqual(48);
      expect(await text(page, "#join-url")).toBe(`localhost:${suite.server.port}/r/FIFTY`);
      for (const p of [host, ...players]) p.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "the leaderboard shows whole team and player names of about twelve characters on a 1080p projector",
    async () => {
      const { peer: host } = await Peer.join(suite.server.url, { room: "WIDEB", secret: "roompass" });
      const people = [
        ["Alexandra K.", "Foxes United"],
        ["Bartholomew", "Night Owls 7"],
        ["Christabel M", "Quiz Wizards"],
        ["Demetrius L.", "Foxes United"],
      ] as const;
      const joined = await Promise.all(
        people.map(([name, team]) => Peer.join(suite.server.url, { name, room: "WIDEB", team })),
      );
      joined.forEach(({ welcome }, i) => {
        host.send({ type: "award", player: welcome.id, points: 100 + i });
      });
      const page = await projector("WIDEB");
      await page.locator("#teams li").nth(2).waitFor();
      await page.locator("#scores li").nth(3).waitFor();
      // Each line's name and team (or a team's members) are whole: nothing cut to "…".
      const cut = await page
        .locator("#board li :is(.name, .team)")
        .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
      expect(cut).toEqual([]);
      expect(await texts(page, "#teams li .name")).toEqual([
        "Foxes United2 players",
        "Quiz Wizards1 player",
        "Night Owls 71 player",
      ]);
      expect(await scrolls(page)).toBe(false);
      for (const p of [host, ...joined.map((j) => j.peer)]) p.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "the join address keeps a LAN address and its port on one line, on a 1080p and a 720p projector",
    async () => {
      for (const viewport of [HD, { width: 1280, height: 720 }]) {
        const context = await suite.browsing.device(viewport);
        // Where the server says players join: a LAN address, as on a quiz night (here it is loopback).
        await context.route("**/join", (route) =>
          route.fulfill({
            contentType: "application/json",
            body: JSON.stringify({ url: "http://192.168.178.123:8765/", reachable: true }),
          }),
        );
        const page = await suite.browsing.open(context, `${suite.base}/screen?room=MAIN`);
        await page.locator("#join-url span").nth(1).waitFor();
        // The address and the path are one line each at most: as tall as each other.
        const lines = await page
          .locator("#join-url span")
          .evaluateAll((els) =>
            els.map((e) => [e.textContent, Math.round(e.getBoundingClientRect().height)]),
          );
        expect(lines).toEqual([
          ["192.168.178.123:8765", lines[1]?.[1]],
          ["/r/MAIN", lines[1]?.[1]],
        ]);
      }
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "the lobby names who has joined and counts them, until the first round opens",
    async () => {
      const { host, players } = await room("LOBBY", ["Ann", "Ben"]);
      const page = await projector("LOBBY");
      await page.locator("#lobby").waitFor();
      expect(await text(page, "#phase")).toBe("Join now");
      expect((await texts(page, "#lobby-names li")).sort()).toEqual(["Ann", "Ben"]);
      expect(await text(page, "#lobby-count")).toBe("· 2 players");
      const { peer: cy } = await Peer.join(suite.server.url, { name: "Cy", room: "LOBBY" });
      await page.locator("#lobby-names li", { hasText: "Cy" }).waitFor();
      expect(await text(page, "#lobby-count")).toBe("· 3 players");
      host.send({ type: "arm" });
      await page.locator("#lobby").waitFor({ state: "hidden" });
      expect(await text(page, "#phase")).toBe("GO!");
      expect(await scrolls(page)).toBe(false);
      for (const p of [host, cy, ...players]) p.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "the lobby counts the players it names who are away apart, and invites no one to join while it names anyone",
    async () => {
      const { host, players } = await room("AWAY", ["Ann", "Ben"]);
      const [ann, ben] = players as [Peer, Peer];
      const page = await projector("AWAY");
      await page.locator("#lobby-count", { hasText: "· 2 players" }).waitFor();
      ben.close();
      await page.locator("#lobby-count", { hasText: "· 1 player · 1 away" }).waitFor();
      expect(await text(page, "#lobby-count")).toBe("· 1 player · 1 away");
      expect((await texts(page, "#lobby-names li")).sort()).toEqual(["Ann", "Ben"]);
      // Everyone away, as just after a restart: they are named, so no one is told to scan the code.
      ann.close();
      await page.locator("#lobby-count", { hasText: "· 0 players · 2 away" }).waitFor();
      expect((await texts(page, "#lobby-names li")).sort()).toEqual(["Ann", "Ben"]);
      expect(await page.locator("#lobby-empty").isHidden()).toBe(true);
      host.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a projector opened after a round was locked shows what one that watched it shows: places, Locked, Time's up",
    async () => {
      const { host, players } = await room("LATE", ["Ann", "Ben"]);
      const [ann] = players as [Peer, Peer];
      const watching = await projector("LATE");
      const headline = async (page: Page) => ({
        phase: await text(page, "#phase"),
        winner: await text(page, "#winner-name"),
        order: await texts(page, "#order li .name"),
      });
      // A round locked by the host after a buzz.
      host.send({ type: "arm" });
      await ann.next("state", (s) => s.phase === "open", WAIT);
      ann.send({ type: "buzz", at: performance.now() });
      await ann.next("verdict", () => true, WAIT);
      host.send({ type: "lock" });
      // Not data-phase=locked alone: the unplayed round the projector opened on was locked too, and a
      // projector behind on a loaded machine would match it before the round it is still to draw.
      await watching.locator("#phase[data-phase=locked]", { hasText: "Locked" }).waitFor();
      const placed = { phase: "Locked", winner: "Ann", order: ["Ann"] };
      expect(await headline(watching)).toEqual(placed);
      const late = await projector("LATE");
      await late.locator("#winner-name", { hasText: "Ann" }).waitFor();
      expect(await headline(late)).toEqual(placed);

      // A round the question timer locked with no buzz, then one the host locked with none.
      host.send({ type: "rules", rules: { timer: 1000 } });
      host.send({ type: "next" });
      await host.next("state", (s) => s.round === 2 && s.phase === "locked", WAIT);
      await watching.locator("#phase", { hasText: "Time's up" }).waitFor();
      await late.reload();
      await late.locator("#conn[data-conn=online]").waitFor();
      await late.locator("#round-label", { hasText: "round 2" }).waitFor();
      expect(await headline(late)).toEqual({ phase: "Time's up", winner: "", order: [] });
      host.send({ type: "rules", rules: { timer: 0 } });
      host.send({ type: "next" });
      await host.next("state", (s) => s.round === 3 && s.phase === "open", WAIT);
      host.send({ type: "lock" });
      await watching.locator("#phase", { hasText: "Locked" }).waitFor();
      await late.reload();
      await late.locator("#round-label", { hasText: "round 3" }).waitFor();
      expect(await text(late, "#phase")).toBe("Locked");
      for (const p of [host, ...players]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "?theme=light shows the light theme, and the button switches back to dark",
    async () => {
      const background = (page: Page) =>
        page.evaluate("getComputedStyle(document.documentElement).backgroundColor");
      const theme = (page: Page) => page.evaluate("document.documentElement.dataset.theme");
      const page = await projector("MAIN", "&theme=light");
      expect(await theme(page)).toBe("light");
      expect(await background(page)).toBe("rgb(246, 246, 241)");
      await page.click("#theme");
      expect(await theme(page)).toBe("dark");
      expect(await background(page)).toBe("rgb(11, 16, 32)");
      expect(await text(page, "#theme")).toBe("Light theme");
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "with sound on, the projector beeps on GO, on the first buzz and on a false start; silent until then",
    async () => {
      const { host, players } = await room("SOUND", ["Ann", "Ben"]);
      const [ann, ben] = players as [Peer, Peer];
      const silent = await projector("SOUND", "", RECORD_TONES);
      const page = await projector("SOUND", "", RECORD_TONES);
      await page.click("#sound");
      expect(await text(page, "#sound")).toBe("Sound on");

      // Ben presses before the round opens: a false start.
      ben.send({ type: "buzz", at: performance.now() });
      await ben.next("error", (e) => e.code === "FALSE_START", WAIT);
      await toneHeard(page, 196);
      host.send({ type: "arm" });
      await toneHeard(page, 880);
      ann.send({ type: "buzz", at: performance.now() });
      await ann.next("verdict", () => true, WAIT);
      await toneHeard(page, 1320);
      expect(await tones(page)).toEqual([196, 880, 1320]);
      await silent.locator("#winner-name", { hasText: "Ann" }).waitFor();
      expect(await tones(silent)).toEqual([]);
      for (const p of [host, ...players]) p.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a winner with a long name keeps its ✓ right on the headline, at 1080p and 720p: the name is cut, not the mark",
    async () => {
      const long = "Bartholomew Maximilian Oppenheim";
      const { host, players } = await room("LONG", [long]);
      const [first] = players as [Peer];
      const page = await projector("LONG");
      host.send({ type: "arm" });
      await first.next("state", (s) => s.phase === "open", WAIT);
      first.send({ type: "buzz", at: performance.now() });
      await first.next("verdict", () => true, WAIT);
      const id = (await host.next("state", (s) => s.order.length === 1, WAIT)).order[0]?.id as string;
      host.send({ type: "judge", player: id, right: true });
      await page.locator("#winner-name .badge.right").waitFor();
      for (const viewport of [HD, { width: 1280, height: 720 }]) {
        await page.setViewportSize(viewport);
        const line = await page.locator("#winner-name").boundingBox();
        // A photo finish badge would sit beside it the same way; it is not made here, as whether two
        // presses are a photo finish depends on how closely each player's clock was measured.
        const box = await page.locator("#winner-name .badge", { hasText: "✓ right" }).boundingBox();
        expect(box).not.toBeNull();
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual((line?.x ?? 0) + (line?.width ?? 0));
        expect(await scrolls(page)).toBe(false);
      }
      expect(await text(page, "#winner-name")).toStartWith(long);
      for (const p of [host, ...players]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );
});

/** Opens the player page of `room` ("" for the default room) on a phone-sized device (or `viewport`). */
function phone(room: string, viewport?: Viewport): Promise<Page> {
  return suite.page(room ? `/r/${room}` : "/", viewport);
}

describe("player page", () => {
  test.skipIf(!hasChromium)(
    "offers the room's teams, joins one, and shows the player's score, rank and the leaderboard after an award",
    async () => {
      const { host, players } = await room("TEAMS", []);
      const { peer: owl, welcome: owlWelcome } = await Peer.join(suite.server.url, {
        name: "Olga",
        room: "TEAMS",
        team: "Owls",
      });
      const page = await phone("TEAMS");
      await page.locator("#team-list option[value=Owls]").waitFor({ state: "attached" });
      await page.fill("#name", "Pat");
      await page.fill("#team", "Owls");
      await page.click("#join-button");
      await page.locator("#conn[data-conn=online]").waitFor();
      await page.locator("#my-team", { hasText: "Owls" }).waitFor();
      expect(await text(page, "#my-team")).toBe("· Owls");

      const state = await host.next("state", (s) => s.players.some((p) => p.name === "Pat"), WAIT);
      const pat = state.players.find((p) => p.name === "Pat");
      expect(pat?.team).toBe("Owls");
      host.send({ type: "award", player: pat?.id ?? "", points: 3 });
      host.send({ type: "award", player: owlWelcome.id, points: 1 });
      // Waited for by the team's total: Pat's award alone already shows "3 pts · 1st of 2" and both lines.
      await page.locator("#teams li .points", { hasText: "4 pts" }).waitFor();
      expect(await texts(page, "#scores li .name")).toEqual(["PatOwls", "OlgaOwls"]);
      expect(await texts(page, "#scores li .points")).toEqual(["3 pts", "1 pt"]);
      expect(await texts(page, "#teams li .points")).toEqual(["4 pts"]);
      expect(await page.locator("#scores li.mine .name").textContent()).toBe("PatOwls");
      for (const p of [host, owl, ...players]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a phone's leaderboard shows a team's size whole, members away and all, under the team's name",
    async () => {
      const { host, players } = await room("SIZES", []);
      const owls = await Promise.all(
        ["Olga", "Oscar"].map((name) => Peer.join(suite.server.url, { name, room: "SIZES", team: "Owls" })),
      );
      const [olga, oscar] = owls as [(typeof owls)[0], (typeof owls)[0]];
      const page = await phone("SIZES");
      await page.fill("#name", "Pat");
      await page.fill("#team", "Owls");
      await page.click("#join-button");
      await page.locator("#conn[data-conn=online]").waitFor();
      host.send({ type: "award", player: olga.welcome.id, points: 1 });
      oscar.peer.close();
      const size = page.locator("#teams li .team", { hasText: "2 players · 1 away" });
      await size.waitFor();
      // Cut off, it read `2 players · 1 a…` on a 360-pixel phone, with a team name of four letters.
      const cut = (selector: string) =>
        page.locator(selector).evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      expect(await cut("#teams li .team")).toBe(false);
      expect(await cut("#teams li .name")).toBe(false);
      for (const p of [host, olga.peer, ...players]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "says no host runs the room, warns that pressing early locks out, and announces GO assertively",
    async () => {
      const page = await phone("HOSTED");
      await page.fill("#name", "Quin");
      await page.click("#join-button");
      // No room HOSTED yet: a host opens it, then leaves.
      const { peer: host } = await Peer.join(suite.server.url, { room: "HOSTED", secret: "roompass" });
      await page.locator("#buzz[data-state=locked]").waitFor();
      expect(await text(page, "#early")).toBe(
        "Pressing before GO locks you out of the round, and may cost points.",
      );
      expect(await page.locator("#host-line").isHidden()).toBe(true);
      host.send({ type: "arm" });
      await page.locator("#buzz[data-state=open]").waitFor();
      expect(await page.locator("#early").isHidden()).toBe(true);
      expect(await page.getAttribute("#go-status", "aria-live")).toBe("assertive");
      expect(await text(page, "#go-status")).toBe("Go!");
      expect(await text(page, "#status")).toBe("");
      host.close();
      await page.locator("#host-line", { hasText: "No host connected right now" }).waitFor();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "in the default room with no host, says the first buzz wins",
    async () => {
      const page = await phone("");
      await page.fill("#name", "Ulla");
      await page.click("#join-button");
      await page
        .locator("#host-line", { hasText: "No host yet — in the default room the first buzz wins" })
        .waitFor();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a teammate's later buzz is told in words that the team answered, naming who buzzed for it",
    async () => {
      const { host } = await room("TF", []);
      host.send({ type: "rules", rules: { teamFirst: true } });
      const { peer: mate } = await Peer.join(suite.server.url, { name: "Mo", room: "TF", team: "Cats" });
      const page = await phone("TF");
      await page.fill("#name", "Nell");
      await page.fill("#team", "Cats");
      await page.click("#join-button");
      await page.locator("#my-team", { hasText: "Cats" }).waitFor();
      host.send({ type: "arm" });
      await page.locator("#buzz[data-state=open]").waitFor();
      mate.send({ type: "buzz", at: performance.now() });
      await mate.next("verdict", () => true, WAIT);
      await page.tap("#buzz");
      await page.locator("#buzz[data-state=team]").waitFor();
      expect(await text(page, "#buzz-big")).toBe("Team answered");
      expect(await text(page, "#buzz-small")).toBe("Mo buzzed first for team Cats");
      for (const p of [host, mate]) p.close();
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a phone placed past the top ten sees the host's mark on its own place",
    async () => {
      const names = Array.from({ length: 11 }, (_, i) => `Q${i + 1}`);
      const { host, players } = await room("DEEP", names);
      const page = await phone("DEEP");
      await page.fill("#name", "Twelve");
      await page.click("#join-button");
      await page.locator("#buzz[data-state=locked]").waitFor();
      host.send({ type: "arm" });
      await page.locator("#buzz[data-state=open]").waitFor();
      await Promise.all(players.map((p) => p.next("state", (s) => s.phase === "open", WAIT)));
      for (const p of players) p.send({ type: "buzz", at: performance.now() });
      await Promise.all(players.map((p) => p.next("verdict", () => true, WAIT)));
      await page.tap("#buzz");
      await page.locator("#buzz[data-state=placed]").waitFor();
      expect(await text(page, "#buzz-small")).toMatch(/^12th place/);
      await page.locator("#my-place").waitFor();
      const state = await host.next("state", (s) => s.order.some((p) => p.name === "Twelve"), WAIT);
      host.send({
        type: "judge",
        player: state.order.find((p) => p.name === "Twelve")?.id ?? "",
        right: true,
      });
      await page.locator("#my-place", { hasText: "✓ right" }).waitFor();
      expect(await text(page, "#my-place")).toMatch(/^… 12th: you \+\d+\.\d\d s · ✓ right$/);
      for (const p of [host, ...players]) p.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "a phone reloaded with a verdict shows it again and logs no console error (no vibration before a tap)",
    async () => {
      const { host } = await room("RELOAD", []);
      const page = await phone("RELOAD");
      const logged: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" || msg.type() === "warning") logged.push(msg.text());
      });
      await page.fill("#name", "Rhea");
      await page.click("#join-button");
      await page.locator("#buzz[data-state=locked]").waitFor();
      host.send({ type: "arm" });
      await page.locator("#buzz[data-state=open]").waitFor();
      await page.tap("#buzz");
      await page.locator("#buzz[data-state=first]").waitFor();
      await page.reload();
      await page.locator("#buzz[data-state=first]").waitFor();
      // A line logged now comes after anything the verdict's handling logged.
      const barrier = page.waitForEvent("console", (msg) => msg.text() === "barrier");
      await page.evaluate("setTimeout(() => console.log('barrier'))");
      await barrier;
      expect(logged).toEqual([]);
      host.close();
      expect(suite.browsing.problems).toEqual([]);
    },
    90_000,
  );

  test.skipIf(!hasChromium)(
    "on a landscape phone the whole buzz button is on screen without scrolling",
    async () => {
      const { host } = await room("WIDE", []);
      const page = await phone("WIDE", { width: 740, height: 360 });
      await page.fill("#name", "Lee");
      await page.click("#join-button");
      await page.locator("#buzz[data-state=locked]").waitFor();
      const box = await page.locator("#buzz").boundingBox();
      expect(box).not.toBeNull();
      expect(box?.y).toBeGreaterThanOrEqual(0);
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(360);
      expect(box?.height).toBeGreaterThanOrEqual(200);
      expect(await scrolls(page)).toBe(false);
      host.close();
    },
    90_000,
  );
});
