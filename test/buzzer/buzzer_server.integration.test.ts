import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MAX_COMPENSATION } from "../../buzzer/fair.ts";
import { verdictText } from "../../buzzer/format.ts";
import { lanAddresses } from "../../buzzer/web.ts";
import { hasPythonWebsockets, inTerminal, PYTHON, ROOT, run, spawn, startServer } from "../support.ts";
import { Peer } from "./peer.ts";

type Server = Awaited<ReturnType<typeof startServer>>;
const SECRET = "s3cret";

let server: Server;
beforeAll(async () => {
  server = await startServer("buzzer/buzzer_server.ts", ["--secret", SECRET]);
});
afterAll(() => server.stop());

let rooms = 0;
/** Opens a fresh room with a host, so each test starts from a clean round. */
async function hostedRoom() {
  const code = `T${++rooms}`;
  const { peer: host, welcome } = await Peer.join(server.url, { room: code, secret: "roomsecret" });
  expect(welcome).toEqual({ type: "welcome", id: "host", name: "host", room: code, token: "", host: true });
  const join = (name: string) => Peer.join(server.url, { room: code, name });
  return { code, host, join };
}

describe("buzzer_server.ts", () => {
  test("says when only this machine can join, and how to let phones in", async () => {
    await server.waitFor(/Only this machine can join/);
    expect(server.stdout()).toContain(
      "Only this machine can join: to let phones on your network in, start with --host 0.0.0.0\n",
    );
  });

  test("`npm start` listens on the network and prints the address phones open, not localhost", async () => {
    const script = (await Bun.file(`${ROOT}package.json`).json()).scripts.start as string;
    // exec: the signal that stops the test reaches the server, not a shell around it.
    const started = spawn(["sh", "-c", `exec ${script} --port 0`], {
      PATH: `${ROOT}node_modules/.bin:${process.env.PATH}`,
    });
    try {
      const [, address] = await started.waitFor(/Players join at https?:\/\/(\S+?):\d+\//, 15_000);
      expect(address).toBe(lanAddresses().find((a) => !a.includes(":")) ?? "localhost");
      expect(started.stdout()).not.toContain("Only this machine can join");
    } finally {
      await started.stop();
    }
  });

  test("sends the pages gzipped to a client that accepts it, and the player page without the QR encoder", async () => {
    const base = `http://localhost:${server.port}`;
    const page = await fetch(`${base}/`, { headers: { "Accept-Encoding": "gzip" }, decompress: false });
    expect(page.headers.get("content-encoding")).toBe("gzip");
    expect(page.headers.get("vary")).toBe("Accept-Encoding");
    const html = new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await page.arrayBuffer())));
    expect(html).toStartWith("<!doctype html>");
    const plain = await fetch(`${base}/`, { headers: { "Accept-Encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(html);
    // A phone needs no QR code: the encoder (one of its error messages marks it) is only in the projector's.
    const script = (text: string) => text.match(/src="(\/assets\/[^"]+\.js)"/)?.[1] as string;
    const screen = await (await fetch(`${base}/screen`)).text();
    const js = async (path: string) => (await fetch(`${base}${path}`)).text();
    expect(await js(script(screen))).toContain("Version number out of range");
    expect(await js(script(html))).not.toContain("Version number out of range");
  });

  test("prints the start line and the default room's host secret", async () => {
    await server.waitFor(/Host secret/);
    expect(server.stdout()).toStartWith(
      `Server started on ws://localhost:${server.port}\nHost secret for room MAIN: ${SECRET}\n`,
    );
  });

  test("answers the original plain-text protocol in the default room", async () => {
    const first = new Peer(server.url);
    const second = new Peer(server.url);
    await Promise.all([first.opened, second.opened]);
    first.ws.send("buzz");
    expect(await first.text()).toBe("first place!");
    second.ws.send("buzz");
    expect(await second.text()).toMatch(/^response time: \d+\.\d\d seconds slower!$/);
    // A repeat gets the same verdict again.
    first.ws.send("buzz");
    expect(await first.text()).toBe("first place!");
    first.ws.send("hello");
    expect(await first.text()).toBe('error: send "buzz" to buzz');
    first.close();
    second.close();
  });

  test.if(hasPythonWebsockets())("serves the original Python buzzer client unchanged", async () => {
    const fresh = await startServer("buzzer/buzzer_server.ts");
    const ann = spawn([PYTHON, "test/python/buzzer_client.py", fresh.url]);
    const bob = spawn([PYTHON, "test/python/buzzer_client.py", fresh.url]);
    await Bun.sleep(300);
    ann.proc.stdin.write("\n");
    await ann.proc.stdin.flush();
    expect((await ann.waitFor(/Received: (.*)\n/))[1]).toBe("first place!");
    await Bun.sleep(120);
    bob.proc.stdin.write("\n");
    await bob.proc.stdin.flush();
    const [, reply] = await bob.waitFor(/Received: (.*)\n/);
    // Any number of seconds: Bob's Python may start late on a busy machine.
    expect(reply).toMatch(/^response time: \d+\.\d\d seconds slower!$/);
    const seconds = Number(reply?.match(/(\d+\.\d\d)/)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(0.1);
    ann.proc.stdin.end();
    bob.proc.stdin.end();
    expect(await ann.proc.exited).toBe(0);
    expect(await bob.proc.exited).toBe(0);
    await fresh.waitFor(/2\. Player 2 \+\d+\.\d\ds\n/);
    expect(fresh.stdout()).toContain("1. Player 1\n");
    await fresh.stop();
  });

  test("places named players by press and tells everyone the order", async () => {
    const { host, join } = await hostedRoom();
    const { peer: alice, welcome } = await join("Alice");
    const { peer: bob } = await join("Bob");
    expect(welcome).toMatchObject({ type: "welcome", name: "Alice", host: false });
    expect(welcome.token).toMatch(/^[0-9a-f]{32}$/);
    host.send({ type: "arm" });
    await alice.next("state", (s) => s.phase === "open");
    alice.send({ type: "buzz", at: performance.now() });
    expect(await alice.next("verdict")).toMatchObject({ place: 1, gap: 0, text: "first place!" });
    await Bun.sleep(50);
    bob.send({ type: "buzz", at: performance.now() });
    const late = await bob.next("verdict");
    expect(late.place).toBe(2);
    expect(late.gap).toBeGreaterThan(0.04);
    expect(late.text).toBe(verdictText(2, late.gap));
    const state = await host.next("state", (s) => s.order.length === 2);
    expect(state.order.map((p) => [p.place, p.name])).toEqual([
      [1, "Alice"],
      [2, "Bob"],
    ]);
    expect(state.players.map((p) => p.name)).toEqual(["Alice", "Bob"]);
    await server.waitFor(/\] 2\. Bob \+0\.\d\ds\n/);
  });

  test("locks out a buzz while the round is locked, and clears it next round", async () => {
    const { host, join } = await hostedRoom();
    const { peer: eve } = await join("Eve");
    const { peer: dan } = await join("Dan");
    eve.send({ type: "buzz", at: performance.now() });
    expect(await eve.next("error")).toEqual({
      type: "error",
      code: "FALSE_START",
      message: "too early: you are locked out of this round",
      falseStart: "early",
    });
    host.send({ type: "arm" });
    await eve.next("state", (s) => s.phase === "open");
    eve.send({ type: "buzz", at: performance.now() });
    expect(await eve.next("error")).toMatchObject({ code: "LOCKED_OUT" });
    dan.send({ type: "buzz", at: performance.now() });
    expect(await dan.next("verdict")).toMatchObject({ place: 1 });
    host.send({ type: "reset" });
    await eve.next("state", (s) => s.round === 2 && s.phase === "locked" && s.order.length === 0);
    host.send({ type: "arm" });
    await eve.next("state", (s) => s.round === 2 && s.phase === "open");
    eve.send({ type: "buzz", at: performance.now() });
    expect(await eve.next("verdict")).toMatchObject({ round: 2, place: 1 });
  });

  test("refuses a press after the round was open and closed as too late, saying so in falseStart", async () => {
    const { host, join } = await hostedRoom();
    const { peer: ida } = await join("Ida");
    host.send({ type: "arm" });
    await ida.next("state", (s) => s.phase === "open");
    host.send({ type: "lock" });
    await ida.next("state", (s) => s.phase === "locked");
    // Past any doubt that it might have been made before the lock (that one takes no place: ROUND_OVER).
    await Bun.sleep(MAX_COMPENSATION + 100);
    ida.send({ type: "buzz", at: performance.now() });
    expect(await ida.next("error")).toEqual({
      type: "error",
      code: "FALSE_START",
      message: "too late: the round had closed, so you are locked out of it",
      falseStart: "late",
    });
  });

  test("places and publishes a press still in its window when the host starts a new round", async () => {
    const { code, host, join } = await hostedRoom();
    const { peer: lia } = await join("Lia");
    // Max looks 300 ms away, so a press stays in its decision window for about that long.
    const max = new Peer(server.url, { probeDelay: 300 });
    await max.opened;
    max.send({ type: "join", room: code, name: "Max" });
    // Long enough for a few of Max's clock probes to come back.
    await Bun.sleep(700);
    host.send({ type: "arm" });
    await lia.next("state", (s) => s.phase === "open");
    lia.send({ type: "buzz", at: performance.now() });
    await Bun.sleep(50);
    host.send({ type: "reset" });
    expect(await lia.next("verdict")).toMatchObject({ round: 1, place: 1 });
    const last = await host.next("state", (s) => s.round === 1 && s.order.length === 1);
    expect(last.order.map((p) => p.name)).toEqual(["Lia"]);
    await host.next("state", (s) => s.round === 2 && s.order.length === 0);
  }, 10_000);

  test("arms a countdown: presses before release are false starts, after it they count", async () => {
    const { host, join } = await hostedRoom();
    const { peer: fay } = await join("Fay");
    const { peer: gus } = await join("Gus");
    host.send({ type: "arm", countdown: 300 });
    const release = await fay.next("release");
    expect(release.countdown).toBeWithin(290, 301);
    fay.send({ type: "buzz", at: performance.now() });
    expect(await fay.next("error")).toMatchObject({ code: "FALSE_START" });
    await gus.next("state", (s) => s.phase === "open");
    gus.send({ type: "buzz", at: performance.now() });
    expect(await gus.next("verdict")).toMatchObject({ place: 1 });
  });

  test("refuses host actions without the secret", async () => {
    const { join } = await hostedRoom();
    const { peer } = await join("Mallory");
    peer.send({ type: "arm" });
    expect(await peer.next("error")).toEqual({
      type: "error",
      code: "NOT_HOST",
      message: "host actions need the room's secret",
    });
    const guess = new Peer(server.url);
    await guess.opened;
    guess.send({ type: "join", secret: "guess" });
    expect(await guess.next("error")).toEqual({
      type: "error",
      code: "BAD_SECRET",
      message: "wrong host secret for room MAIN",
    });
  });

  test("refuses each wrong secret of a connection that keeps guessing, and lets it join as a player after", async () => {
    // What bounds guessing is the address's allowance (hardening tests): a new connection would get as far.
    const guess = new Peer(server.url);
    await guess.opened;
    for (let i = 0; i < 5; i++) {
      guess.send({ type: "join", secret: `guess${i}` });
      expect(await guess.next("error")).toMatchObject({ code: "BAD_SECRET" });
    }
    guess.send({ type: "join", name: "Guesser" });
    expect(await guess.next("welcome")).toMatchObject({ name: "Guesser" });
  });

  test("kicks a player: closed with 4001, gone from the room", async () => {
    const { host, join } = await hostedRoom();
    const { peer: troll, welcome } = await join("Troll");
    host.send({ type: "kick", player: welcome.id });
    const closed = await troll.closed;
    expect([closed.code, closed.reason]).toEqual([4001, "removed by the host"]);
    // The server's screen names the player and says why in words, not by code.
    await server.waitFor(/^Closed Troll's connection: removed by the host$/m);
    const state = await host.next("state", (s) => s.players.length === 0);
    expect(state.players).toEqual([]);
    host.send({ type: "kick", player: "nobody" });
    expect(await host.next("error")).toMatchObject({ code: "NO_SUCH_PLAYER" });
  });

  test("keeps rooms apart", async () => {
    const a = await hostedRoom();
    const b = await hostedRoom();
    const { peer: inA } = await a.join("Ann");
    const { peer: inB } = await b.join("Ben");
    a.host.send({ type: "arm" });
    b.host.send({ type: "arm" });
    await inA.next("state", (s) => s.phase === "open");
    await inB.next("state", (s) => s.phase === "open");
    inA.send({ type: "buzz", at: performance.now() });
    await Bun.sleep(30);
    inB.send({ type: "buzz", at: performance.now() });
    expect(await inA.next("verdict")).toMatchObject({ place: 1 });
    expect(await inB.next("verdict")).toMatchObject({ place: 1 });
    const stateB = await b.host.next("state", (s) => s.order.length === 1);
    expect(stateB.order.map((p) => p.name)).toEqual(["Ben"]);
  });

  test("lets a viewer watch a room without playing", async () => {
    const { code, host, join } = await hostedRoom();
    const { peer: viewer, welcome } = await Peer.join(server.url, { room: code, watch: true });
    expect(welcome).toEqual({
      type: "welcome",
      id: "viewer",
      name: "viewer",
      room: code,
      token: "",
      host: false,
    });
    const { peer: kim } = await join("Kim");
    host.send({ type: "arm" });
    await kim.next("state", (s) => s.phase === "open");
    kim.send({ type: "buzz", at: performance.now() });
    const state = await viewer.next("state", (s) => s.order.length === 1);
    expect(state.order.map((p) => p.name)).toEqual(["Kim"]);
    expect(state.players.map((p) => p.name)).toEqual(["Kim"]);
    viewer.send({ type: "buzz", at: performance.now() });
    expect(await viewer.next("error")).toEqual({
      type: "error",
      code: "NOT_PLAYER",
      message: "hosts and viewers do not buzz",
    });
    viewer.send({ type: "lock" });
    expect(await viewer.next("error")).toMatchObject({ code: "NOT_HOST" });
  });

  test("refuses a room that no host has opened", async () => {
    const peer = new Peer(server.url);
    await peer.opened;
    peer.send({ type: "join", room: "NOPE" });
    expect(await peer.next("error")).toEqual({
      type: "error",
      code: "NO_SUCH_ROOM",
      message: "no room NOPE (a host opens it first)",
    });
  });

  test("resumes a player with its token: same identity, recorded buzz kept", async () => {
    const { code, host, join } = await hostedRoom();
    const { peer: ivy, welcome } = await join("Ivy");
    host.send({ type: "arm" });
    await ivy.next("state", (s) => s.phase === "open");
    ivy.send({ type: "buzz", at: performance.now() });
    await ivy.next("verdict");
    ivy.ws.close();
    await ivy.closed;
    await host.next("state", (s) => s.players.some((p) => p.name === "Ivy" && !p.connected));
    const { peer: back, welcome: again } = await Peer.join(server.url, { room: code, token: welcome.token });
    expect(again).toEqual(welcome);
    expect(await back.next("verdict")).toMatchObject({ place: 1, text: "first place!" });
    const state = await host.next(
      "state",
      (s) => s.players.some((p) => p.name === "Ivy" && p.connected) && s.order.length > 0,
    );
    expect(state.order.map((p) => p.name)).toEqual(["Ivy"]);
  });

  test("replaces an older connection that holds the same identity", async () => {
    const { code, join } = await hostedRoom();
    const { peer: old, welcome } = await join("Jo");
    await Peer.join(server.url, { room: code, token: welcome.token });
    const closed = await old.closed;
    expect([closed.code, closed.reason]).toEqual([4004, "resumed on another connection"]);
  });
});

describe("buzzer_server.ts bad input", () => {
  const cases: [string, string, string, string][] = [
    ["malformed JSON", "{nope", "BAD_JSON", "message is not valid JSON"],
    ["an unknown type", '{"type":"dance"}', "BAD_MESSAGE", 'unknown message type "dance"'],
    ["a missing type", "{}", "BAD_MESSAGE", "unknown message type (none)"],
    ["a wrong field type", '{"type":"buzz","at":"soon"}', "BAD_MESSAGE", "buzz.at must be a number"],
    ["a buzz before joining", '{"type":"buzz"}', "NOT_JOINED", "join a room first"],
    [
      "a too long name",
      JSON.stringify({ type: "join", name: "x".repeat(33) }),
      "BAD_NAME",
      "name must be at most 32 characters",
    ],
    [
      "a control character in a name",
      JSON.stringify({ type: "join", name: "a\u0007b" }),
      "BAD_NAME",
      "name must not contain control characters",
    ],
  ];
  for (const [what, frame, code, message] of cases) {
    test(`answers ${what} with ${code}`, async () => {
      const peer = new Peer(server.url);
      await peer.opened;
      peer.ws.send(frame);
      expect(await peer.next("error")).toEqual({ type: "error", code: code as never, message });
      peer.close();
    });
  }

  test("closes a binary frame with 1003", async () => {
    const peer = new Peer(server.url);
    await peer.opened;
    peer.ws.send(new Uint8Array([1, 2, 3]));
    const closed = await peer.closed;
    expect([closed.code, closed.reason]).toEqual([1003, "binary frames are not supported"]);
  });

  test("closes an oversized frame with 1009", async () => {
    const peer = new Peer(server.url);
    await peer.opened;
    peer.ws.send("x".repeat(5000));
    expect((await peer.closed).code).toBe(1009);
  });

  test("rate-limits a flood, then closes it with 4002, while others play on", async () => {
    // A server of its own: a flood close also spends its address's join allowance.
    const fresh = await startServer("buzzer/buzzer_server.ts", ["--secret", SECRET]);
    try {
      const { peer: host } = await Peer.join(fresh.url, { room: "FL", secret: "flpw1234" });
      const { peer: flood } = await Peer.join(fresh.url, { room: "FL", name: "Flood" });
      const { peer: fair } = await Peer.join(fresh.url, { room: "FL", name: "Fair" });
      host.send({ type: "arm" });
      await fair.next("state", (s) => s.phase === "open");
      for (let i = 0; i < 60; i++) flood.ws.send('{"type":"pong","id":0,"t":0}');
      expect(await flood.next("error")).toEqual({
        type: "error",
        code: "RATE_LIMITED",
        message: "slow down: at most 20 messages per second",
      });
      for (let i = 0; i < 400; i++) flood.ws.send('{"type":"pong","id":0,"t":0}');
      const closed = await flood.closed;
      expect([closed.code, closed.reason]).toEqual([4002, "too many messages"]);
      // One line for the warning and one for the close, by name and in words.
      await fresh.waitFor(/^Closed Flood's connection: too many messages$/m);
      expect(
        fresh.stdout().match(/^Refused Flood: slow down: at most 20 messages per second$/gm),
      ).toHaveLength(1);
      expect(fresh.stdout().match(/^Closed .*too many messages$/gm)).toHaveLength(1);
      expect(fresh.stdout()).not.toMatch(/4002|RATE_LIMITED/);
      fair.send({ type: "buzz", at: performance.now() });
      expect(await fair.next("verdict")).toMatchObject({ place: 1 });
    } finally {
      await fresh.stop();
    }
  });

  test("keeps a vanished player's recorded buzz in the order", async () => {
    const { host, join } = await hostedRoom();
    const { peer: gone } = await join("Gone");
    const { peer: stays } = await join("Stays");
    host.send({ type: "arm" });
    await gone.next("state", (s) => s.phase === "open");
    gone.send({ type: "buzz", at: performance.now() });
    gone.ws.close();
    await Bun.sleep(30);
    stays.send({ type: "buzz", at: performance.now() });
    expect(await stays.next("verdict")).toMatchObject({ place: 2 });
    const state = await host.next("state", (s) => s.order.length === 2);
    expect(state.order.map((p) => p.name)).toEqual(["Gone", "Stays"]);
  });
});

describe("buzzer_server.ts options", () => {
  test("--quiet prints only the start and stop lines, not a secret the operator chose", async () => {
    const quiet = await startServer("buzzer/buzzer_server.ts", ["--quiet", "--secret", "x"]);
    const peer = new Peer(quiet.url);
    await peer.opened;
    peer.ws.send("buzz");
    await peer.text();
    await quiet.stop();
    expect(quiet.stdout()).toBe(`Server started on ${quiet.url}\nServer stopped\n`);
  });

  test("takes host keys from its own terminal and quits on Ctrl+C", async () => {
    const tty = inTerminal("buzzer/buzzer_server.ts", ["--port", "0", "--secret", "x"]);
    await tty.waitFor(/Host keys: o open, c countdown 3s, l lock, n new round, x next question, q quit/);
    tty.type("l");
    await tty.waitFor(/Round 1: locked\r\n/);
    tty.type("l");
    await tty.waitFor(/Round 1 is locked already\r\n/);
    expect(tty.output().match(/Round 1: locked/g)).toHaveLength(1);
    tty.type("n");
    await tty.waitFor(/Round 2: locked\r\n/);
    tty.type("c");
    await tty.waitFor(/Round 2: armed, opens in 3\.0s\r\n/);
    tty.type("o");
    await tty.waitFor(/Round 2: open\r\n/);
    tty.type("o");
    await tty.waitFor(/Round 2 is open already\r\n/);
    tty.type("\x03");
    expect(await tty.proc.exited).toBe(0);
    expect(tty.output()).toEndWith("Server stopped\r\n");
  });

  test("run from a terminal, it hosts the default room: players are not told the room has no host", async () => {
    const tty = inTerminal("buzzer/buzzer_server.ts", ["--port", "0", "--secret", "x"]);
    try {
      const [, url] = await tty.waitFor(/Server started on (ws:\/\/\S+:\d+)/);
      await tty.waitFor(/Host keys: /);
      const { peer } = await Peer.join(url as string, { name: "Pat" });
      expect(await peer.next("state")).toMatchObject({ room: "MAIN", hosted: true });
      peer.close();
    } finally {
      tty.proc.kill("SIGTERM");
      await tty.proc.exited;
    }
  });

  test("with stdin not a terminal, no one hosts the default room until a host joins", async () => {
    const piped = await startServer("buzzer/buzzer_server.ts", ["--secret", "x"]);
    try {
      expect(piped.stdout()).not.toContain("Host keys");
      const { peer } = await Peer.join(piped.url, { name: "Pat" });
      expect(await peer.next("state")).toMatchObject({ room: "MAIN", hosted: false });
      const { peer: host } = await Peer.join(piped.url, { secret: "x" });
      await peer.next("state", (v) => v.hosted);
      host.close();
      peer.close();
    } finally {
      await piped.stop();
    }
  });

  test("prints a random secret when none is given", async () => {
    const random = await startServer("buzzer/buzzer_server.ts");
    await random.waitFor(/Host secret for room MAIN: [0-9a-f]{12}\n/);
    await random.stop();
  });

  test("--help says the fairness-log download holds only this process's presses, and --fairness-log keeps all", async () => {
    const result = await run([process.execPath, "buzzer/buzzer_server.ts", "--help"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    const at = lines.findIndex((l) => l.includes("--fairness-log FILE"));
    expect(lines.slice(at, at + 3).map((l) => l.trim())).toEqual([
      "--fairness-log FILE          append every placed press to FILE (JSON",
      "lines; the host's download holds only the",
      "presses since this process started)",
    ]);
  });

  test("warns on stderr of a --secret shorter than a room's own may be, and starts", async () => {
    const short = await startServer("buzzer/buzzer_server.ts", ["--secret", "short"]);
    try {
      expect(short.stderr()).toBe(
        "buzzer/buzzer_server.ts: warning: a --secret of 5 characters is easy to guess, and it hosts every room: use at least 8\n",
      );
    } finally {
      await short.stop();
    }
  });

  const SERVER = "buzzer/buzzer_server.ts";
  /** What a misused option gets: the arguments, the exit code and the one line on stderr, exactly. */
  const refusals: [string, string[], number, string][] = [
    [
      "an unwritable --state",
      ["--port", "0", "--state", "/nonexistent/game.jsonl"],
      1,
      `${SERVER}: cannot write --state /nonexistent/game.jsonl: ENOENT: no such file or directory, open '/nonexistent/game.jsonl.tmp'`,
    ],
    [
      "an unwritable --fairness-log",
      ["--port", "0", "--fairness-log", "/nonexistent/f.jsonl"],
      1,
      `${SERVER}: cannot write --fairness-log /nonexistent/f.jsonl: ENOENT: no such file or directory, open '/nonexistent/f.jsonl'`,
    ],
    [
      "an empty --secret (a shell variable left unset)",
      ["--port", "0", "--secret", ""],
      2,
      `${SERVER}: --secret is empty (is its variable set?): give a secret, or leave it out for a random one`,
    ],
    [
      "an empty --redis (a shell variable left unset)",
      ["--port", "0", "--secret", "cluster-secret", "--redis", ""],
      2,
      `${SERVER}: --redis is empty (is its variable set?): give a URL like redis://HOST:PORT`,
    ],
    [
      "an empty --state (a shell variable left unset)",
      ["--port", "0", "--state", ""],
      2,
      `${SERVER}: --state is empty (is its variable set?): give a FILE to keep the game in, or leave it out`,
    ],
    [
      "an empty --host (a shell variable left unset)",
      ["--port", "0", "--host", ""],
      2,
      `${SERVER}: --host is empty (is its variable set?): give an address like localhost or 0.0.0.0`,
    ],
    [
      "a --redis that is not a Redis URL",
      ["--port", "0", "--secret", "cluster-secret", "--redis", "http://127.0.0.1:6379"],
      2,
      `${SERVER}: invalid --redis 'http://127.0.0.1:6379': expected a URL like redis://HOST:PORT (redis://:PASSWORD@HOST:PORT with a password)`,
    ],
    [
      "a negative number after a space (taken for an option)",
      ["--max-wait", "-1"],
      2,
      `${SERVER}: --max-wait needs a value: one that starts with a dash is written --max-wait=-VALUE (see --help)`,
    ],
    [
      "a bad --max-wait",
      ["--max-wait=-1"],
      2,
      `${SERVER}: invalid --max-wait '-1': expected a number from 0 to 10000`,
    ],
    [
      "a number written in hex",
      ["--max-wait", "0x10"],
      2,
      `${SERVER}: invalid --max-wait '0x10': expected a number from 0 to 10000`,
    ],
    [
      "a count that is not a whole number",
      ["--joins-per-address", "2.5"],
      2,
      `${SERVER}: invalid --joins-per-address '2.5': expected a whole number from 1 to 1000000`,
    ],
    [
      "a --public-url players' browsers cannot open",
      ["--public-url", "ftp://quiz.example.org/"],
      2,
      `${SERVER}: invalid --public-url 'ftp://quiz.example.org/': expected a URL like https://quiz.example.org/`,
    ],
  ];
  for (const [what, args, code, line] of refusals) {
    test(`refuses ${what} in one line on stderr, with exit code ${code}`, async () => {
      const result = await run([process.execPath, SERVER, ...args]);
      expect(result.code).toBe(code);
      expect(result.stderr).toBe(`${line}\n`);
      expect(result.stdout).toBe("");
    });
  }
});
