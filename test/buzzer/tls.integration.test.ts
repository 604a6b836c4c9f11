import { describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bun, hasPythonWebsockets, PYTHON, run, spawn } from "../support.ts";

const python = hasPythonWebsockets();
/** A self-signed certificate for localhost and 127.0.0.1, made for these tests only. */
const CERT = "test/fixtures/localhost.crt";
const KEY = "test/fixtures/localhost.key";

/** The buzzer server over TLS on a free port; resolves once it says where it listens. */
async function tlsServer() {
  const server = bun("buzzer/buzzer_server.ts", ["--port", "0", "--tls-cert", CERT, "--tls-key", KEY]);
  const [, url, port] = await server.waitFor(/Server started on (wss:\/\/localhost:(\d+))\n/);
  return { ...server, url: url as string, port: Number(port) };
}

describe("buzzer_server.ts --tls-cert --tls-key", () => {
  test.if(python)(
    "serves the original Python client over wss://, with a certificate it trusts",
    async () => {
      const server = await tlsServer();
      try {
        await server.waitFor(/Players join at https:\/\/localhost:\d+\//);
        // The unchanged original client: Python's default SSL context trusts the file SSL_CERT_FILE names.
        const client = spawn([PYTHON, "test/python/buzzer_client.py", server.url], { SSL_CERT_FILE: CERT });
        client.proc.stdin.write("\n");
        await client.proc.stdin.flush();
        expect((await client.waitFor(/Received: (.*)\n/, 10_000))[1]).toBe("first place!");
        client.proc.kill();
      } finally {
        await server.stop();
      }
    },
    20_000,
  );

  test("serves the terminal client over wss://, with the certificate it is told to trust", async () => {
    const server = await tlsServer();
    try {
      // Bun, as Node does, adds the certificates NODE_EXTRA_CA_CERTS names to those it trusts.
      const args = ["buzzer/buzzer_client.ts", "--url", server.url, "--name", "Ivy"];
      const client = spawn([process.execPath, ...args], { NODE_EXTRA_CA_CERTS: CERT });
      client.proc.stdin.write(" ");
      client.proc.stdin.end();
      expect((await client.waitFor(/Received: (.*)\n/, 10_000))[1]).toBe("first place!");
      expect(await client.proc.exited).toBe(0);
    } finally {
      await server.stop();
    }
  }, 20_000);

  test("serves the pages over https:// with their security headers", async () => {
    const server = await tlsServer();
    try {
      const page = await fetch(`https://localhost:${server.port}/`, {
        tls: { ca: readFileSync(CERT, "utf8") },
      });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await page.text()).toContain("<html");
    } finally {
      await server.stop();
    }
  }, 20_000);

  test("says in one line what is wrong with its TLS options", async () => {
    const alone = await run([process.execPath, "buzzer/buzzer_server.ts", "--port", "0", "--tls-cert", CERT]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe("buzzer/buzzer_server.ts: --tls-cert and --tls-key go together\n");
    const missing = await run([
      ...[process.execPath, "buzzer/buzzer_server.ts", "--port", "0"],
      ...["--tls-cert", "test/fixtures/none.crt", "--tls-key", KEY],
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^buzzer\/buzzer_server\.ts: cannot read --tls-cert test\/fixtures\/none\.crt: .+\n$/,
    );
  });

  test("names the file that is not a certificate, not a key, or not the certificate's key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "buzzer-tls-"));
    const otherKey = join(dir, "other.key");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(otherKey, privateKey.export({ type: "pkcs8", format: "pem" }) as string);
    const start = (cert: string, key: string) =>
      run([process.execPath, "buzzer/buzzer_server.ts", "--port", "0", "--tls-cert", cert, "--tls-key", key]);
    try {
      const swapped = await start(KEY, CERT);
      expect(swapped.code).toBe(1);
      expect(swapped.stderr).toBe(
        `buzzer/buzzer_server.ts: --tls-cert ${KEY} is not a PEM certificate (a text file that starts -----BEGIN CERTIFICATE-----)\n`,
      );
      const noKey = await start(CERT, CERT);
      expect(noKey.code).toBe(1);
      expect(noKey.stderr).toBe(
        `buzzer/buzzer_server.ts: --tls-key ${CERT} is not a PEM private key, or needs a passphrase (the server takes a key without one: openssl pkey -in ${CERT} -out plain.key)\n`,
      );
      const mismatch = await start(CERT, otherKey);
      expect(mismatch.code).toBe(1);
      expect(mismatch.stderr).toBe(
        `buzzer/buzzer_server.ts: --tls-key ${otherKey} is not the key of --tls-cert ${CERT} (give the key the certificate was made with)\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
