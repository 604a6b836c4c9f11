import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bun, hasPythonWebsockets, PYTHON, run, spawn, startServer } from "./support.ts";

const client = (args: string[], stdin = "") => run([process.execPath, "client.ts", ...args], stdin);

describe("client.ts", () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer("server.ts");
  });
  afterAll(() => server.stop());

  test("prompts, sends a piped name and prints the original's lines", async () => {
    const result = await client(["--url", server.url], "Alice\n");
    expect(result).toEqual({
      code: 0,
      stdout: "Enter your name: Alice\nSent: Alice\nReceived: Hello Alice!\n",
      stderr: "",
    });
  });

  test("takes the name as an argument", async () => {
    const result = await client(["--url", server.url, "Bob"]);
    expect(result).toEqual({ code: 0, stdout: "Sent: Bob\nReceived: Hello Bob!\n", stderr: "" });
  });

  test("sends a unicode name unchanged", async () => {
    const result = await client(["--url", server.url, "Zoë 🎉"]);
    expect(result.stdout).toBe("Sent: Zoë 🎉\nReceived: Hello Zoë 🎉!\n");
  });

  test("reads --url from the URL variable", async () => {
    const viaEnv = bun("client.ts", ["Eve"], { URL: server.url });
    expect(await viaEnv.proc.exited).toBe(0);
    expect(viaEnv.stdout()).toBe("Sent: Eve\nReceived: Hello Eve!\n");
  });

  test("refuses an empty name", async () => {
    const result = await client(["--url", server.url], "   \n");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("client.ts: the name must not be empty\n");
  });

  test("refuses an empty name given as an argument (an unset shell variable), without asking for one", async () => {
    const result = await client(["--url", server.url, ""], "Alice\n");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("client.ts: the name must not be empty\n");
  });

  test("says so when stdin ends before a name", async () => {
    const result = await client(["--url", server.url], "");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("\nclient.ts: no name given (stdin ended)\n");
  });
});

describe("client.ts errors", () => {
  test("says which URL is down when no server listens", async () => {
    const free = await startServer("server.ts");
    await free.stop();
    const result = await client(["--url", free.url, "Alice"]);
    expect(result.code).toBe(1);
    // "cannot connect" is the refusal's message: waiting out the timeout would say "no answer".
    expect(result.stderr).toBe(`client.ts: cannot connect to ${free.url} (is the server running?)\n`);
  });

  test("gives up when no reply comes within --timeout", async () => {
    // A TCP-level WebSocket server that accepts but never answers messages.
    const silent = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, s) => (s.upgrade(req) ? undefined : new Response(null, { status: 400 })),
      websocket: { message() {} },
    });
    const url = `ws://127.0.0.1:${silent.port}`;
    const result = await client(["--url", url, "--timeout", "0.3", "Alice"]);
    silent.stop(true);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`client.ts: no reply from ${url} within 0.3s\n`);
  });

  test("fails when the server closes normally without a reply", async () => {
    const closer = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, s) => (s.upgrade(req) ? undefined : new Response(null, { status: 400 })),
      websocket: { message: (ws) => ws.close(1000, "bye") },
    });
    const url = `ws://127.0.0.1:${closer.port}`;
    const result = await client(["--url", url, "Alice"]);
    closer.stop(true);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("Sent: Alice\n");
    expect(result.stderr).toBe(`client.ts: ${url} closed the connection before replying\n`);
  });

  test("refuses a bad --url in one line", async () => {
    const result = await client(["--url", "http://x", "Alice"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "client.ts: invalid --url 'http://x': expected ws://HOST:PORT or wss://HOST:PORT\n",
    );
  });

  test.if(hasPythonWebsockets())("greets through the original Python server", async () => {
    const python = spawn([PYTHON, "test/python/greeting_server.py", "0"]);
    const [, url] = await python.waitFor(/Server started on (ws:\/\/\S+)/);
    const result = await client(["--url", url as string, "Zoë 🎉"]);
    await python.waitFor(/Sent: Hello Zoë 🎉!/);
    python.proc.kill();
    expect(result).toEqual({
      code: 0,
      stdout: "Sent: Zoë 🎉\nReceived: Hello Zoë 🎉!\n",
      stderr: "",
    });
  });
});
