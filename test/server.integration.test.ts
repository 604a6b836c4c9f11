import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bun, hasPythonWebsockets, PYTHON, ROOT, run, startServer } from "./support.ts";

type Server = Awaited<ReturnType<typeof startServer>>;

/** Opens a raw WebSocket and resolves with its close event after sending `data`. */
function sendAndAwaitClose(url: string, data: string | Uint8Array): Promise<CloseEvent> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => ws.send(data);
    ws.onclose = resolve;
  });
}

describe("server.ts", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer("server.ts");
  });
  afterAll(() => server.stop());

  test("prints the original's start line with the real port", () => {
    expect(server.stdout()).toStartWith(`Server started on ws://localhost:${server.port}\n`);
  });

  test("greets a client and prints the original's lines", async () => {
    const result = await run([process.execPath, "client.ts", "--url", server.url, "Alice"]);
    expect(result.code).toBe(0);
    await server.waitFor(/Sent: Hello Alice!\n/);
    expect(server.stdout()).toContain("Hello Alice!\nSent: Hello Alice!\n");
  });

  test("answers every message on one connection", async () => {
    const replies = await new Promise<string[]>((resolve) => {
      const got: string[] = [];
      const ws = new WebSocket(server.url);
      ws.onopen = () => {
        for (const n of ["one", "two", "three"]) ws.send(n);
      };
      ws.onmessage = (e) => {
        got.push(String(e.data));
        if (got.length === 3) {
          ws.close();
          resolve(got);
        }
      };
    });
    expect(replies).toEqual(["Hello one!", "Hello two!", "Hello three!"]);
  });

  test("refuses a binary frame with 1003 and keeps serving", async () => {
    const closed = await sendAndAwaitClose(server.url, new Uint8Array([1, 2, 3]));
    expect([closed.code, closed.reason]).toEqual([1003, "text frames only"]);
    await server.waitFor(/Closed a client: 1003 text frames only\n/);
    const next = await run([process.execPath, "client.ts", "--url", server.url, "Bob"]);
    expect(next.stdout).toBe("Sent: Bob\nReceived: Hello Bob!\n");
  });

  test("refuses a frame over 64 KiB with 1009, logs it as 1009 message too big, and keeps serving", async () => {
    // One byte over the limit, and far over it: Bun reports both to the close handler as 1006.
    for (const size of [64 * 1024 + 1, 2 * 1024 * 1024]) {
      const closed = await sendAndAwaitClose(server.url, "x".repeat(size));
      expect(closed.code).toBe(1009);
    }
    await server.waitFor(/big.*\n[\s\S]*big.*\n/);
    expect(server.stdout().match(/^Closed a client: .*big.*$/gm)).toEqual([
      "Closed a client: 1009 message too big (over 65536 bytes)",
      "Closed a client: 1009 message too big (over 65536 bytes)",
    ]);
    const next = await run([process.execPath, "client.ts", "--url", server.url, "Carol"]);
    expect(next.stdout).toBe("Sent: Carol\nReceived: Hello Carol!\n");
  });

  test("survives a client that leaves before the reply", async () => {
    for (let i = 0; i < 5; i++) {
      const ws = new WebSocket(server.url);
      await new Promise((r) => (ws.onopen = r));
      ws.send(`Ghost${i}`);
      ws.close();
    }
    const next = await run([process.execPath, "client.ts", "--url", server.url, "Dave"]);
    expect(next.stdout).toBe("Sent: Dave\nReceived: Hello Dave!\n");
  });

  test.if(hasPythonWebsockets())("greets the original Python client", async () => {
    const result = await run([PYTHON, "test/python/greeting_client.py", server.url], "Zoë 🎉\n");
    expect(result.stdout).toBe("Enter your name: Sent: Zoë 🎉\nReceived: Hello Zoë 🎉!\n");
    expect(result.code).toBe(0);
  });
});

describe("server.ts lifecycle", () => {
  test("closes open connections with 1001 on SIGTERM and exits 0", async () => {
    const server = await startServer("server.ts");
    const ws = new WebSocket(server.url);
    await new Promise((r) => (ws.onopen = r));
    const closed = new Promise<CloseEvent>((r) => (ws.onclose = r));
    expect(await server.stop()).toBe(0);
    expect((await closed).code).toBe(1001);
    expect(server.stdout()).toEndWith("Server stopped\n");
  });

  test("--quiet prints only the start and stop lines", async () => {
    const server = await startServer("server.ts", ["--quiet"]);
    await run([process.execPath, "client.ts", "--url", server.url, "Quiet"]);
    await server.stop();
    expect(server.stdout()).toBe(`Server started on ${server.url}\nServer stopped\n`);
  });

  test("reads HOST and PORT from the environment", async () => {
    const server = bun("server.ts", [], { HOST: "127.0.0.1", PORT: "0" });
    await server.waitFor(/Server started on ws:\/\/127\.0\.0\.1:\d+\n/);
    expect(await server.stop()).toBe(0);
  });

  test("refuses a bad --port in one line", async () => {
    const result = await run([process.execPath, "server.ts", "--port", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("server.ts: invalid --port 'x': expected a number from 0 to 65535\n");
  });

  test("says so in one line when the port is busy", async () => {
    const busy = await startServer("server.ts");
    const result = await run([process.execPath, "server.ts", "--port", String(busy.port)]);
    await busy.stop();
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `server.ts: port ${busy.port} on localhost is already in use (another server running? try --port 0)\n`,
    );
  });

  test("says in one line when --host is not an address of this machine", async () => {
    // 192.0.2.1 is kept for documentation (RFC 5737): no machine has it; 999.1.1.1 is no address at all.
    for (const host of ["192.0.2.1", "999.1.1.1"]) {
      const result = await run([process.execPath, "server.ts", "--host", host, "--port", "0"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `server.ts: cannot listen on ${host}: not an address of this machine (use localhost, 0.0.0.0 for every network, or one of this machine's addresses)\n`,
      );
    }
  });

  test("refuses an empty --host (an unset variable) instead of listening on every network", async () => {
    const result = await run([process.execPath, "server.ts", "--host", "", "--port", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "server.ts: --host is empty (is its variable set?): give an address like localhost or 0.0.0.0\n",
    );
  });

  // Root may listen below 1024: the test drops to `nobody` where it can (setpriv), else runs as it is.
  const asNobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"];
  const unprivileged =
    process.getuid?.() !== 0
      ? []
      : Bun.spawnSync([...asNobody, process.execPath, "server.ts", "--help"], { cwd: ROOT }).exitCode === 0
        ? asNobody
        : null;
  test.if(unprivileged !== null)("says in one line that a port below 1024 needs root", async () => {
    const result = await run([...(unprivileged ?? []), process.execPath, "server.ts", "--port", "80"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "server.ts: no permission to listen on port 80 (ports below 1024 need root): use a port from 1024 up, like --port 8765\n",
    );
  });

  test("refuses an unknown option in one line", async () => {
    const result = await run([process.execPath, "server.ts", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("server.ts: Unknown option '--bogus' (see --help)\n");
  });

  test("prints its options on --help", async () => {
    const result = await run([process.execPath, "server.ts", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--port PORT");
    expect(result.stdout).toContain("--quiet");
  });
});
