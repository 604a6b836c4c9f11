import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_RULES } from "../../buzzer/protocol.ts";
import { run, startServer } from "../support.ts";
import { Peer } from "./peer.ts";

const dir = mkdtempSync(join(tmpdir(), "buzzer-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Server = Awaited<ReturnType<typeof startServer>>;

/** Kills a server as a crash would (nothing written on the way out), restarts it from `file`, and joins room QUIZ as its host. */
async function crashAndRestart(first: Server, file: string) {
  first.proc.kill("SIGKILL");
  await first.proc.exited;
  const second = await startServer("buzzer/buzzer_server.ts", ["--state", file]);
  const { peer: host } = await Peer.join(second.url, { room: "QUIZ", secret: "quizpw12" });
  return { second, host, state: await host.next("state") };
}

describe("buzzer_server.ts --state", () => {
  test("resumes a game after a crash: acknowledged buzzes are neither lost nor duplicated", async () => {
    const file = join(dir, "game.jsonl");
    const first = await startServer("buzzer/buzzer_server.ts", ["--state", file, "--secret", "s3cret"]);
    const { peer: host } = await Peer.join(first.url, { room: "QUIZ", secret: "quizpw12" });
    const { peer: ann, welcome: annWelcome } = await Peer.join(first.url, { room: "QUIZ", name: "Ann" });
    const { peer: bob, welcome: bobWelcome } = await Peer.join(first.url, { room: "QUIZ", name: "Bob" });
    host.send({ type: "arm" });
    await bob.next("state", (s) => s.phase === "open");
    ann.send({ type: "buzz", at: performance.now() });
    expect(await ann.next("verdict")).toMatchObject({ place: 1 });
    await Bun.sleep(50);
    bob.send({ type: "buzz", at: performance.now() });
    const bobVerdict = await bob.next("verdict");
    expect(bobVerdict.place).toBe(2);

    // A crash, not a clean stop: nothing gets a chance to be written on the way out.
    first.proc.kill("SIGKILL");
    await first.proc.exited;
    const second = await startServer("buzzer/buzzer_server.ts", [
      "--state",
      file,
      "--port",
      String(first.port),
    ]);
    try {
      expect(second.port).toBe(first.port);
      await second.waitFor(/Host secret for room MAIN: s3cret\n/);

      const { peer: back, welcome } = await Peer.join(second.url, { room: "QUIZ", token: annWelcome.token });
      expect(welcome).toEqual(annWelcome);
      expect(await back.next("verdict")).toMatchObject({ round: 1, place: 1, text: "first place!" });
      back.send({ type: "buzz", at: performance.now() });
      expect(await back.next("verdict")).toMatchObject({ place: 1 });

      const { peer: host2 } = await Peer.join(second.url, { room: "QUIZ", secret: "quizpw12" });
      const { peer: bob2 } = await Peer.join(second.url, { room: "QUIZ", token: bobWelcome.token });
      expect(await bob2.next("verdict")).toEqual(bobVerdict);

      const { peer: cy } = await Peer.join(second.url, { room: "QUIZ", name: "Cy" });
      cy.send({ type: "buzz", at: performance.now() });
      const late = await cy.next("verdict");
      expect(late.place).toBe(3);
      // Measured from Ann's press before the crash, carried onto the new process's clock.
      expect(late.gap).toBeGreaterThan(bobVerdict.gap);
      expect(late.gap).toBeLessThan(30);
      const state = await host2.next("state", (s) => s.order.length === 3);
      expect(state.order.map((p) => p.name)).toEqual(["Ann", "Bob", "Cy"]);
    } finally {
      await second.stop();
    }
  });

  test("brings scores, teams and rules back after a crash", async () => {
    const file = join(dir, "quiz.jsonl");
    const first = await startServer("buzzer/buzzer_server.ts", ["--state", file, "--secret", "s3cret"]);
    const { peer: host } = await Peer.join(first.url, { room: "QUIZ", secret: "quizpw12" });
    const rules = { ...DEFAULT_RULES, autoLock: 1, right: 2, falseStart: -1, teamFirst: true };
    host.send({ type: "rules", rules: { autoLock: 1, right: 2, falseStart: -1, teamFirst: true } });
    const { welcome: ann } = await Peer.join(first.url, { room: "QUIZ", name: "Ann", team: "Red" });
    // Bob, at 0 points, is on no board line, but counts in team Red.
    await Peer.join(first.url, { room: "QUIZ", name: "Bob", team: " RED " });
    const { welcome: cy } = await Peer.join(first.url, { room: "QUIZ", name: "Cy" });
    host.send({ type: "judge", player: ann.id, right: true });
    host.send({ type: "award", player: cy.id, points: 5 });
    host.send({ type: "team", player: cy.id, team: "Blue" });
    const scores = [
      { id: cy.id, name: "Cy", team: "Blue", points: 5, rank: 1 },
      { id: ann.id, name: "Ann", team: "Red", points: 2, rank: 2 },
    ];
    // Every member's connection died with the process: the teams count them away, not here.
    const teams = [
      { name: "Blue", points: 5, players: 0, away: 1, rank: 1 },
      { name: "Red", points: 2, players: 0, away: 2, rank: 2 },
    ];
    await host.next("state", (s) => s.scores[0]?.team === "Blue");

    const { second, state } = await crashAndRestart(first, file);
    try {
      expect(state.rules).toEqual(rules);
      expect(state.scores).toEqual(scores);
      expect(state.teams).toEqual(teams);
      const { peer: back } = await Peer.join(second.url, { room: "QUIZ", token: ann.token });
      expect(await back.next("state")).toMatchObject({
        you: { points: 2, rank: 2, team: "Red" },
        scores: [scores[0], scores[1]],
        teams,
      });
      // Cy's client lost its token. Every test client joins from 127.0.0.1, like phones behind one
      // venue's Wi-Fi: the journal kept Cy's address (else no one would be matched), but Ann shares
      // it, so the name alone is someone new, told that Cy is away; Cy's points stay Cy's.
      const { peer: cyBack, welcome: cyAgain } = await Peer.join(second.url, { room: "QUIZ", name: "Cy" });
      expect(cyAgain).toMatchObject({ name: "Cy (2)", away: "Cy" });
      expect(cyAgain.id).not.toBe(cy.id);
      expect((await cyBack.next("state")).you).toMatchObject({ points: 0, rank: 3 });
    } finally {
      await second.stop();
    }
  });

  test("brings the host's marks and an open round's question timer back after a crash", async () => {
    const file = join(dir, "timed.jsonl");
    const first = await startServer("buzzer/buzzer_server.ts", ["--state", file, "--secret", "s3cret"]);
    const { peer: host } = await Peer.join(first.url, { room: "QUIZ", secret: "quizpw12" });
    const { peer: ann, welcome: annWelcome } = await Peer.join(first.url, { room: "QUIZ", name: "Ann" });
    // Long enough that the steps before the crash never outlast it on a loaded machine.
    host.send({ type: "rules", rules: { timer: 6000, right: 3 } });
    host.send({ type: "arm" });
    await ann.next("state", (s) => s.phase === "open");
    ann.send({ type: "buzz", at: performance.now() });
    expect(await ann.next("verdict")).toMatchObject({ place: 1 });
    host.send({ type: "judge", player: annWelcome.id, right: true });
    // Marked, and the round still open: the crash comes before its timer runs out.
    const marked = await host.next("state", (s) => s.order[0]?.judged === "right");
    expect(marked.phase).toBe("open");

    const { second, host: host2, state } = await crashAndRestart(first, file);
    try {
      expect(state.order.map((p) => [p.name, p.judged])).toEqual([["Ann", "right"]]);
      expect(state.scores.map((l) => [l.name, l.points])).toEqual([["Ann", 3]]);
      host2.send({ type: "judge", player: annWelcome.id, right: true });
      expect(await host2.next("error")).toEqual({
        type: "error",
        code: "ALREADY_JUDGED",
        message: "Ann's answer is already marked right this round",
      });
      // Its deadline passes after the restart (or passed before it): either way the round locks itself.
      const locked = await host2.next("state", (s) => s.phase === "locked", 15_000);
      expect(locked.round).toBe(1);
      expect(locked.scores.map((l) => [l.name, l.points])).toEqual([["Ann", 3]]);
    } finally {
      await second.stop();
    }
  }, 30_000);

  test("refuses a file that is not a state file, and leaves it as it was", async () => {
    const file = join(dir, "notes.md");
    const notes = "# Quiz night\n\nRound 1: capitals\n";
    writeFileSync(file, notes);
    const result = await run([process.execPath, "buzzer/buzzer_server.ts", "--port", "0", "--state", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `buzzer/buzzer_server.ts: cannot read --state ${file}: not a state file (no line of it is a game journal entry): give a new file name, or move this file away\n`,
    );
    expect(readFileSync(file, "utf8")).toBe(notes);
  });

  test("refuses a file of one line without a newline, which is not a journal line torn by a crash", async () => {
    const file = join(dir, "password.txt");
    writeFileSync(file, "correct horse battery staple");
    const result = await run([process.execPath, "buzzer/buzzer_server.ts", "--port", "0", "--state", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `buzzer/buzzer_server.ts: cannot read --state ${file}: not a state file (no line of it is a game journal entry): give a new file name, or move this file away\n`,
    );
    expect(readFileSync(file, "utf8")).toBe("correct horse battery staple");
  });

  test("keeps the default room's secret across restarts when none is given", async () => {
    const file = join(dir, "secret.jsonl");
    const first = await startServer("buzzer/buzzer_server.ts", ["--state", file]);
    const [, secret] = await first.waitFor(/Host secret for room MAIN: (\S+)\n/);
    await first.stop();
    const second = await startServer("buzzer/buzzer_server.ts", ["--state", file]);
    await second.waitFor(new RegExp(`Host secret for room MAIN: ${secret}\\n`));
    await second.stop();
  });
});
