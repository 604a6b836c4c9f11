/**
 * The terminal buzzer client against the real server: in pseudo-terminals (raw keys, Ctrl+C, the
 * terminal restored), from a pipe, as a host, and across a server restart and a dropped connection.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Socket, Subprocess } from "bun";
import { MAX_COMPENSATION } from "../../buzzer/fair.ts";
import type { ServerMessage } from "../../buzzer/protocol.ts";
import { Session } from "../../buzzer/session.ts";
import { ROOT, run, startServer } from "../support.ts";
import { Peer } from "./peer.ts";

type Server = Awaited<ReturnType<typeof startServer>>;

const CLIENT = "buzzer/buzzer_client.ts";
const SECRET = "s3cret";
/** termios c_lflag bits: canonical (line) input and echo, both off in raw mode. */
const ICANON = process.platform === "darwin" ? 0x100 : 0x2;
const ECHO = 0x8;
const SLOWER = /^Received: response time: \d+\.\d\d seconds slower!$/m;
/** How long an exited client's output must stay quiet before a wait for a line gives up on it, in ms. */
const OUTPUT_SETTLE_MS = 200;

/** A client in a pseudo-terminal: keys in, its screen as plain lines out, the terminal's modes. */
interface Tty {
  proc: Subprocess;
  terminal: Bun.Terminal;
  press(keys: string): void;
  /** What the screen shows, one entry per line; redrawn lines show their last version. */
  screen(): string;
  /** Resolves with the first match of `pattern` on the screen, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

const ttys: Tty[] = [];
let server: Server;

function tty(args: string[]): Tty {
  let text = "";
  const decoder = new TextDecoder();
  const waiters = new Set<() => void>();
  // Our own Terminal outlives the process, so its modes can be read after the client exits.
  const terminal = new Bun.Terminal({
    cols: 100,
    rows: 30,
    data(_term, bytes) {
      text += decoder.decode(bytes, { stream: true });
      for (const w of waiters) w();
    },
  });
  const proc = Bun.spawn([process.execPath, CLIENT, ...args], {
    cwd: ROOT,
    terminal,
    env: { ...process.env, NO_COLOR: "1" },
  });
  // What a client wrote just before it exited can reach us after its exit is known: waiters give
  // up on an exited client only once its output has been quiet for a moment.
  let settled = false;
  proc.exited.then(async () => {
    let seen = -1;
    while (seen !== text.length) {
      seen = text.length;
      await Bun.sleep(OUTPUT_SETTLE_MS);
    }
    settled = true;
    for (const w of waiters) w();
  });
  // The status line is redrawn after a carriage return: keep what follows the last one.
  const screen = () =>
    Bun.stripANSI(text)
      .replaceAll("\r\n", "\n")
      .split("\n")
      .map((line) => line.slice(line.lastIndexOf("\r") + 1))
      .join("\n");
  const client: Tty = {
    proc,
    terminal,
    press: (keys) => void terminal.write(keys),
    screen,
    waitFor(pattern, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = screen().match(pattern);
          if (!match && !settled) return;
          waiters.delete(check);
          clearTimeout(timer);
          if (match) resolve(match);
          else reject(new Error(`exited (${proc.exitCode}) before ${pattern}:\n${screen()}`));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern}:\n${screen()}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
  ttys.push(client);
  return client;
}

/** A player or host in a pseudo-terminal, waiting until it has joined. */
async function joined(args: string[]): Promise<Tty> {
  const client = tty(["--url", server.url, ...args]);
  await client.waitFor(/^(Joined room MAIN as|Hosting room MAIN)/m);
  return client;
}

/** A TCP proxy in front of the server that can swallow the server's replies and cut connections. */
function proxy(port: number) {
  type Link = { client: Socket<Link>; upstream: Socket | null; pending: Uint8Array[] };
  const links = new Set<Link>();
  let muted = false;
  const listener = Bun.listen<Link>({
    hostname: "localhost",
    port: 0,
    socket: {
      open(client) {
        const link: Link = { client, upstream: null, pending: [] };
        client.data = link;
        links.add(link);
        Bun.connect({
          hostname: "localhost",
          port,
          socket: {
            open(upstream) {
              link.upstream = upstream;
              for (const chunk of link.pending.splice(0)) upstream.write(chunk);
            },
            data(_upstream, bytes) {
              if (!muted) client.write(bytes);
            },
            close() {
              client.end();
            },
          },
        });
      },
      data(client, bytes) {
        const link = client.data;
        if (link.upstream) link.upstream.write(bytes);
        // Copied: Bun may reuse the buffer once this callback returns.
        else link.pending.push(new Uint8Array(bytes));
      },
      close(client) {
        client.data.upstream?.end();
        links.delete(client.data);
      },
    },
  });
  return {
    url: `ws://localhost:${listener.port}`,
    mute: () => {
      muted = true;
    },
    /** Ends every connection (no closing handshake) and lets replies through again. */
    cut() {
      muted = false;
      for (const link of links) {
        link.client.end();
        link.upstream?.end();
      }
    },
    stop: () => listener.stop(true),
  };
}

/** A port with nothing listening on it. */
function closedPort(): number {
  const probe = Bun.listen({ hostname: "localhost", port: 0, socket: { data() {} } });
  const { port } = probe;
  probe.stop(true);
  return port;
}

/** Ten wrong secrets from this address (the clients' too) spend its allowance: one try every 6 s after. */
async function spendSecrets(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const guesser = new Peer(server.url);
    await guesser.opened;
    guesser.send({ type: "join", secret: `wrong${i}` });
    expect((await guesser.next("error")).code).toBe("BAD_SECRET");
    guesser.close();
  }
}

describe("buzzer_client.ts", () => {
  beforeEach(async () => {
    server = await startServer("buzzer/buzzer_server.ts", ["--secret", SECRET]);
  });

  afterEach(async () => {
    for (const { proc, terminal } of ttys.splice(0)) {
      if (proc.exitCode === null) proc.kill("SIGKILL");
      await proc.exited;
      terminal.close();
    }
    await server.stop();
  });

  test("space buzzes: the first press wins, a later one is told how much slower", async () => {
    const alice = await joined(["--name", "Alice"]);
    const bob = await joined(["--name", "Bob"]);
    alice.press(" ");
    await alice.waitFor(/^Received: first place!$/m);
    bob.press(" ");
    await bob.waitFor(SLOWER);
    await alice.waitFor(/^2\. Bob \+\d+\.\d\ds/m);
    expect(alice.screen()).toMatch(/^1\. Alice$/m);
  });

  test("a new round clears the last round's result from the status line, which shows the new phase", async () => {
    const alice = await joined(["--name", "Alice"]);
    const bob = await joined(["--name", "Bob"]);
    alice.press(" ");
    await alice.waitFor(/^Received: first place!$/m);
    bob.press(" ");
    await bob.waitFor(SLOWER);
    await bob.waitFor(
      /^Bob in MAIN · 2 players · round 1 open · last: response time: [\d.]+ seconds slower!$/m,
    );
    const { peer: host } = await Peer.join(server.url, { secret: SECRET });
    host.send({ type: "reset" });
    await bob.waitFor(/^Round 2: locked$/m);
    await bob.waitFor(/^Bob in MAIN · 2 players · round 2 locked$/m);
    host.send({ type: "arm", countdown: 60_000 });
    await alice.waitFor(/^Alice in MAIN · 2 players · round 2 armed$/m);
    host.close();
  });

  test("a false start forgiven by the host leaves the status line, and the next press counts", async () => {
    const alice = await joined(["--name", "Alice"]);
    const { peer: host } = await Peer.join(server.url, { secret: SECRET });
    host.send({ type: "reset" });
    await alice.waitFor(/^Round 2: locked$/m);
    alice.press(" ");
    await alice.waitFor(/^Alice in MAIN · 1 player · round 2 locked · last: false start$/m);
    const state = await host.next("state", (v) => v.players.some((p) => p.lockedOut));
    host.send({ type: "forgive", player: state.players[0]?.id as string });
    await alice.waitFor(/^Alice in MAIN · 1 player · round 2 locked$/m);
    host.send({ type: "arm" });
    await alice.waitFor(/^Round 2: open$/m);
    alice.press(" ");
    await alice.waitFor(/^Received: first place!$/m);
    host.close();
  });

  test("a press after the round was open and closed is too late, not a false start, on the status line", async () => {
    const alice = await joined(["--name", "Alice"]);
    const { peer: host } = await Peer.join(server.url, { secret: SECRET });
    host.send({ type: "reset" });
    await alice.waitFor(/^Round 2: locked$/m);
    host.send({ type: "arm" });
    await alice.waitFor(/^Round 2: open$/m);
    host.send({ type: "lock" });
    await alice.waitFor(/^Alice in MAIN · 1 player · round 2 locked$/m);
    // Past any doubt that it might have been made before the lock (that one takes no place: ROUND_OVER).
    await Bun.sleep(MAX_COMPENSATION + 100);
    alice.press(" ");
    await alice.waitFor(/^Error: too late: the round had closed, so you are locked out of it$/m);
    await alice.waitFor(/^Alice in MAIN · 1 player · round 2 locked · last: too late$/m);
    host.close();
  });

  test("a client started again after its false start says why it is locked out, as the refusal did", async () => {
    const first = await joined(["--name", "Alice"]);
    const { peer: host } = await Peer.join(server.url, { secret: SECRET });
    host.send({ type: "reset" });
    await first.waitFor(/^Round 2: locked$/m);
    first.press(" ");
    await first.waitFor(/^Error: too early: you are locked out of this round$/m);
    first.press("q");
    await first.proc.exited;
    // The same name from the same address is the same player, still locked out of round 2.
    const again = await joined(["--name", "Alice"]);
    await again.waitFor(/^Error: too early: you are locked out of this round$/m);
    await again.waitFor(/^Alice in MAIN · 1 player · round 2 locked · last: false start$/m);
    host.close();
  });

  test("says once why its name is numbered: another player has the name asked for", async () => {
    const { peer: alice } = await Peer.join(server.url, { name: "Alice" });
    const second = await joined(["--name", "Alice"]);
    await second.waitFor(/^Joined room MAIN as Alice \(2\)$/m);
    await second.waitFor(/^Someone in room MAIN is already called Alice, so you are Alice \(2\)$/m);
    alice.close();
  });

  test("started again on an address another player shares, it is a new player and says why it is not its old one", async () => {
    const { peer: eve } = await Peer.join(server.url, { name: "Eve" });
    const { peer: host } = await Peer.join(server.url, { secret: SECRET });
    const first = await joined(["--name", "Alice"]);
    first.press("q");
    await first.proc.exited;
    await host.next("state", (v) => v.players.some((p) => p.name === "Alice" && !p.connected));
    const again = await joined(["--name", "Alice"]);
    await again.waitFor(/^Joined room MAIN as Alice \(2\)$/m);
    await again.waitFor(
      /^Alice is away, but others in room MAIN share your network, so you are Alice \(2\) without Alice's points: if you are Alice, ask the host to give them back$/m,
    );
    // Said instead of the numbered name's usual line, which comes first when it is said at all.
    expect(again.screen()).not.toContain("already called");
    for (const p of [eve, host]) p.close();
  });

  test("prints the player's own score when the host awards it points", async () => {
    const alice = await joined(["--name", "Alice"]);
    const { peer: host } = await Peer.join(server.url, { secret: SECRET });
    const state = await host.next("state", (v) => v.players.some((p) => p.name === "Alice"));
    const id = state.players.find((p) => p.name === "Alice")?.id as string;
    host.send({ type: "award", player: id, points: 3 });
    await alice.waitFor(/^Score: 3 points, rank 1$/m);
    host.close();
  });

  test("shows the host's ✓/✗ marks in the order, to the host and the player, and tells the player", async () => {
    const host = await joined(["--secret", SECRET]);
    const alice = await joined(["--name", "Alice"]);
    const { peer: judge } = await Peer.join(server.url, { secret: SECRET });
    alice.press(" ");
    await alice.waitFor(/^Received: first place!$/m);
    await host.waitFor(/^1\. Alice$/m);
    const state = await judge.next("state", (v) => v.order.length === 1);
    judge.send({ type: "judge", player: state.order[0]?.id as string, right: true });
    await alice.waitFor(/^1\. Alice ✓ right$/m);
    await alice.waitFor(/^The host marked your answer ✓ right$/m);
    await host.waitFor(/^1\. Alice ✓ right$/m);
    judge.close();
  });

  test("Ctrl+C quits with 0 and takes the terminal out of raw mode", async () => {
    const alice = await joined(["--name", "Alice"]);
    expect(alice.terminal.localFlags & (ICANON | ECHO)).toBe(0);
    alice.press("\x03");
    expect(await alice.proc.exited).toBe(0);
    // Bun also resets the terminal at exit; this checks the outcome users see either way.
    expect(alice.terminal.localFlags & (ICANON | ECHO)).toBe(ICANON | ECHO);
  });

  test("q quits with 0", async () => {
    const alice = await joined(["--name", "Alice"]);
    alice.press("q");
    expect(await alice.proc.exited).toBe(0);
  });

  test("without a server it says so on each attempt, then quits with Ctrl+C", async () => {
    const url = `ws://localhost:${closedPort()}`;
    const alone = tty(["--url", url, "--name", "Alice"]);
    const line = `Cannot connect to ${url} (is the server running?) — retrying in`;
    await alone.waitFor(new RegExp(`(^${RegExp.escape(line)} [\\d.]+s$[^]*){2}`, "m"));
    alone.press("\x03");
    expect(await alone.proc.exited).toBe(0);
    expect(alone.screen()).not.toContain("Error");
  });

  test("a piped space buzzes, waits for the verdict and exits 0", async () => {
    const result = await run([process.execPath, CLIENT, "--url", server.url, "--name", "Ann"], " ");
    expect(result.stdout).toContain("Joined room MAIN as Ann\n");
    expect(result.stdout).toContain("Received: first place!\n");
    expect(result.stdout).not.toContain("\x1b");
    expect(result.code).toBe(0);
  });

  test("a host with piped input and a wrong secret says so and exits 1, as on a terminal", async () => {
    const result = await run([process.execPath, CLIENT, "--url", server.url, "--secret", "wrong"], "");
    expect(result.stdout).toContain("Error: wrong host secret for room MAIN\n");
    expect(result.code).toBe(1);
    const ok = await run([process.execPath, CLIENT, "--url", server.url, "--secret", SECRET], "o\n");
    expect(ok.stdout).toContain("Hosting room MAIN\n");
    expect(ok.code).toBe(0);
  });

  test("a host locked out by wrong secrets is told how long to wait, joins again no sooner, and gets in", async () => {
    await spendSecrets();
    const host = tty(["--url", server.url, "--secret", SECRET]);
    const [, wait] = await host.waitFor(
      /^Error: too many wrong secrets from your address: wait (\d) seconds?$/m,
    );
    const [, again] = await host.waitFor(/^Joining again in ([\d.]+)s$/m);
    expect(Number(again)).toBeGreaterThanOrEqual(Number(wait));
    await host.waitFor(/^Hosting room MAIN$/m, 15_000);
    // The retry came once the server allowed it: refused once, not again and again.
    expect(host.screen().match(/^Error:/gm)).toHaveLength(1);
  }, 20_000);

  test("a host with piped input, locked out by wrong secrets, says the server's refusal and exits 1", async () => {
    await spendSecrets();
    const result = await run([process.execPath, CLIENT, "--url", server.url, "--secret", SECRET], "");
    expect(result.stdout).toMatch(/^Error: too many wrong secrets from your address: wait \d seconds?\n$/);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
  });

  test("a host starts a round: an early buzz is a false start, the open round has a winner", async () => {
    const host = await joined(["--secret", SECRET]);
    const alice = await joined(["--name", "Alice"]);
    const bob = await joined(["--name", "Bob"]);
    host.press("n");
    await alice.waitFor(/^Round 2: locked$/m);
    alice.press(" ");
    await alice.waitFor(/^Error: too early: you are locked out of this round$/m);
    await host.waitFor(/^Players: \[1\] Alice \([^)]*locked out\), \[2\] Bob/m);
    host.press("o");
    await bob.waitFor(/^Round 2: open$/m);
    bob.press(" ");
    await bob.waitFor(/^Received: first place!$/m);
    await host.waitFor(/^1\. Bob$/m);
    host.press("k1\r");
    await alice.waitFor(/^Kicked by the host — not reconnecting$/m);
    expect(await alice.proc.exited).toBe(1);
  });

  test("a host kicks [10] of 11 by its number and Enter; Escape cancels a number half typed", async () => {
    const host = await joined(["--secret", SECRET]);
    const players = await Promise.all(
      Array.from({ length: 11 }, (_, i) => Peer.join(server.url, { name: `P${i + 1}` })),
    );
    const closed = players.map(({ peer }) => {
      let gone = false;
      void peer.closed.then(() => {
        gone = true;
      });
      return () => gone;
    });
    const [list] = await host.waitFor(/^Players: .*\[11\] P\d+.*$/m);
    const tenth = list.match(/\[10\] (P\d+)/)?.[1];
    const index = players.findIndex(({ welcome }) => welcome.name === tenth);
    expect(index).toBeGreaterThanOrEqual(0);
    host.press("k1");
    host.press("\x1b");
    await host.waitFor(/^Kick cancelled$/m);
    host.press("k1");
    host.press("0");
    host.press("\r");
    await host.waitFor(new RegExp(`^Kicking ${tenth}$`, "m"));
    expect((await players[index]?.peer.closed)?.code).toBe(4001);
    // The kicks go out in order on one connection: a kick of [1] would have closed its player first.
    expect(closed.map((gone) => gone())).toEqual(Array.from({ length: 11 }, (_, i) => i === index));
    for (const { peer } of players) peer.close();
  }, 15000);

  test("reconnects to a restarted server and buzzes again", async () => {
    const alice = await joined(["--name", "Alice"]);
    await server.stop();
    await alice.waitFor(/^Connection lost — reconnecting…$/m);
    // Pressed (three times) while the server is down: one is kept and sent after the join.
    alice.press("   ");
    server = await startServer("buzzer/buzzer_server.ts", [
      "--secret",
      SECRET,
      "--port",
      String(server.port),
    ]);
    await alice.waitFor(/^Reconnected$/m);
    await alice.waitFor(/^Received: first place!$/m);
    // A new round from the host comes after any further answer to Alice's presses.
    const { peer: host } = await Peer.join(server.url, { secret: SECRET });
    host.send({ type: "reset" });
    await alice.waitFor(/^Round 2: locked$/m);
    host.close();
    expect(alice.screen().match(/^Not connected: the buzz goes out on reconnect$/gm)).toHaveLength(1);
    expect(alice.screen().match(/^Received: /gm)).toHaveLength(1);
  });

  test("after a restart that forgot the game, buzzes again in the new server's round 1", async () => {
    const alice = await joined(["--name", "Alice"]);
    alice.press(" ");
    await alice.waitFor(/^1\. Alice$/m);
    await server.stop();
    await alice.waitFor(/^Connection lost — reconnecting…$/m);
    server = await startServer("buzzer/buzzer_server.ts", [
      "--secret",
      SECRET,
      "--port",
      String(server.port),
    ]);
    await alice.waitFor(/^Reconnected$/m, 10_000);
    await alice.waitFor(/^Alice in MAIN · 1 player · round 1 open$/m);
    alice.press(" ");
    await alice.waitFor(/^Received: first place![\s\S]*^Received: first place!$/m);
    // Its place in the new round is said again, as the first in that round.
    await alice.waitFor(/^1\. Alice[\s\S]*^1\. Alice$/m);
    expect(alice.screen()).not.toContain("Already buzzed this round");
  }, 15_000);

  test("a held space bar sends one buzz a round: one verdict, one line for the repeats", async () => {
    const alice = await joined(["--name", "Alice"]);
    const { peer: host } = await Peer.join(server.url, { secret: SECRET });
    // Key auto-repeat: a burst of spaces, as many as the rate limit would close the connection for.
    alice.press(" ".repeat(40));
    await alice.waitFor(/^Received: first place!$/m);
    // The next round starts only once the verdict is in: a space read after the reset would be a
    // false start, as a key held across a new round is.
    host.send({ type: "reset" });
    await alice.waitFor(/^Round 2: locked$/m);
    host.send({ type: "arm" });
    await alice.waitFor(/^Round 2: open$/m);
    alice.press(" ".repeat(40));
    await alice.waitFor(/^Received: first place![\s\S]*^Received: first place!$/m);
    // Presses after the round's verdict are not sent either; q, read after them, ends the client.
    alice.press(`${" ".repeat(40)}q`);
    expect(await alice.proc.exited).toBe(0);
    host.close();
    const screen = alice.screen();
    expect(screen.match(/^Received: /gm)).toHaveLength(2);
    expect(screen.match(/^Already buzzed this round$/gm)).toHaveLength(2);
    expect(screen).not.toMatch(/slow down|Connection lost|Reconnected/i);
  });

  test("resumes a dropped connection as the same player, with the verdict it missed", async () => {
    const link = proxy(server.port);
    try {
      const alice = tty(["--url", link.url, "--name", "Alice"]);
      await alice.waitFor(/^Joined room MAIN as Alice$/m);
      link.mute();
      alice.press(" ");
      await server.waitFor(/^1\. Alice$/m);
      link.cut();
      await alice.waitFor(/^Connection lost — reconnecting…$/m);
      await alice.waitFor(/^Reconnected$/m);
      await alice.waitFor(/^Your press reached the server and was placed\.\nReceived: first place!$/m);
      expect(server.stdout().match(/^Alice joined$/gm)).toHaveLength(1);
    } finally {
      link.stop();
    }
  });

  test("a press the server died before reading is told lost after a restart from --state, once, and counts when pressed again", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "buzzer-lost-")), "game.jsonl");
    const restart = (port: string) =>
      startServer("buzzer/buzzer_server.ts", ["--secret", SECRET, "--state", file, "--port", port]);
    await server.stop();
    server = await restart("0");
    const alice = await joined(["--name", "Alice"]);
    await alice.waitFor(/^Alice in MAIN · 1 player · round 1 open$/m);
    // The server stops reading: the press goes out into its socket, never to be read.
    server.proc.kill("SIGSTOP");
    alice.press(" ");
    alice.press(" ");
    // The second press is held back because the first went out on a joined connection.
    await alice.waitFor(/^Already buzzed this round$/m);
    server.proc.kill("SIGKILL");
    await server.proc.exited;
    server = await restart(String(server.port));
    await alice.waitFor(/^Reconnected$/m, 10_000);
    const lost =
      /^Your press did not reach the server before the connection dropped: you may press again\.$/gm;
    await alice.waitFor(lost);
    alice.press(" ");
    await alice.waitFor(/^Received: first place!$/m);
    expect(alice.screen().match(lost)).toHaveLength(1);
    rmSync(dirname(file), { recursive: true, force: true });
  }, 20_000);

  test("a press whose answer was lost while the host started a new round is told as one of a round that has ended", async () => {
    const link = proxy(server.port);
    try {
      const alice = tty(["--url", link.url, "--name", "Alice"]);
      await alice.waitFor(/^Joined room MAIN as Alice$/m);
      const { peer: host } = await Peer.join(server.url, { secret: SECRET });
      link.mute();
      alice.press(" ");
      await server.waitFor(/^1\. Alice$/m);
      host.send({ type: "reset" });
      await host.next("state", (s) => s.round === 2);
      host.close();
      link.cut();
      await alice.waitFor(/^Reconnected$/m);
      await alice.waitFor(
        /^The connection dropped before your press in round 1 was answered, and that round has ended\.$/m,
      );
      await alice.waitFor(/^Alice in MAIN · 1 player · round 2 locked$/m);
      expect(alice.screen()).not.toContain("Received:");
    } finally {
      link.stop();
    }
  });

  test("a false start whose refusal was lost with the connection is said once, in the refusal's words", async () => {
    const link = proxy(server.port);
    try {
      const alice = tty(["--url", link.url, "--name", "Alice"]);
      await alice.waitFor(/^Joined room MAIN as Alice$/m);
      const { peer: host } = await Peer.join(server.url, { secret: SECRET });
      host.send({ type: "reset" });
      await alice.waitFor(/^Alice in MAIN · 1 player · round 2 locked$/m);
      link.mute();
      alice.press(" ");
      await server.waitFor(/^Alice false start: locked out of round 2$/m);
      host.close();
      link.cut();
      await alice.waitFor(/^Reconnected$/m);
      const refusal = /^Error: too early: you are locked out of this round$/gm;
      await alice.waitFor(refusal);
      alice.press("q");
      expect(await alice.proc.exited).toBe(0);
      expect(alice.screen().match(refusal)).toHaveLength(1);
      // The snapshot's false start already says the press got through: no second line says it again.
      expect(alice.screen()).not.toContain("Your press reached the server");
    } finally {
      link.stop();
    }
  });
});

describe("session.ts", () => {
  beforeEach(async () => {
    server = await startServer("buzzer/buzzer_server.ts", ["--secret", SECRET]);
  });
  afterEach(() => server.stop());

  test("resumes with its token: the same player id, and a verdict for the buzz sent before the drop", async () => {
    const link = proxy(server.port);
    const got: ServerMessage[] = [];
    const session = new Session({
      url: link.url,
      join: { name: "Sam" },
      onMessage: (m) => got.push(m),
      onStatus() {},
    });
    const next = async <T extends ServerMessage["type"]>(type: T, from: number) => {
      for (let waited = 0; waited < 5000; waited += 10) {
        const msg = got.slice(from).find((m) => m.type === type);
        if (msg) return msg as Extract<ServerMessage, { type: T }>;
        await Bun.sleep(10);
      }
      throw new Error(`no ${type}: ${JSON.stringify(got)}`);
    };
    try {
      session.start();
      const first = await next("welcome", 0);
      link.mute();
      session.buzz(performance.now());
      await server.waitFor(/^1\. Sam$/m);
      const dropped = got.length;
      link.cut();
      const again = await next("welcome", dropped);
      expect(again.id).toBe(first.id);
      expect((await next("verdict", dropped)).text).toBe("first place!");
    } finally {
      await session.close();
      link.stop();
    }
  });
});
