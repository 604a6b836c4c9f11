import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { linkQuery, startProxy } from "../../bench/fairness/proxy.ts";
import type { LoadResult } from "../../bench/load_result.ts";
import { ROOT, type Server, startServer } from "../support.ts";

/** Each way of the far client's link, in ms, and how much earlier it presses than the near one. */
const ONE_WAY = 100;
const LEAD = 80;

/** A native WebSocket client (it answers ping frames) and the lines it is sent. */
async function client(url: string) {
  const ws = new WebSocket(url);
  const lines: string[] = [];
  ws.onmessage = (e) => lines.push(String(e.data));
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const next = async () => {
    for (let i = 0; i < 500 && lines.length === 0; i++) await Bun.sleep(10);
    return lines.shift();
  };
  return { ws, next };
}

describe("bench/reference/bare_fair.ts", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer("bench/reference/bare_fair.ts", []);
  });
  afterAll(async () => {
    await server.stop();
  });

  test("answers a burst of 50, each round's verdicts checked by the load generator, one first place each", async () => {
    const proc = Bun.spawn(
      [process.execPath, "bench/load.ts", "--url", server.url, "--scenario", "burst", "--conns", "50"],
      { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
    );
    const out = await new Response(proc.stdout).text();
    await proc.exited;
    const r = JSON.parse(out.trim().split("\n").at(-1) ?? "null") as LoadResult;
    expect(r.errorSamples).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.rounds?.map((x) => [x.verdicts, x.firstPlaces])).toEqual(Array(5).fill([50, 1]));
  });

  test("places a far client that presses 80 ms earlier first, though its buzz arrives last", async () => {
    const proxy = startProxy(server.url);
    const control = await client(server.url);
    const far = await client(`${proxy.url}/${linkQuery({ up: ONE_WAY, down: ONE_WAY, jitter: 0, seed: 1 })}`);
    const near = await client(server.url);
    try {
      control.ws.send("reset");
      expect(await control.next()).toBe("new round");
      // A sweep of probes every 100 ms: both links are measured well within this.
      await Bun.sleep(1000);
      far.ws.send("buzz");
      await Bun.sleep(LEAD);
      near.ws.send("buzz");
      expect(await far.next()).toBe("first place!");
      expect(await near.next()).toMatch(/^response time: \d+\.\d\d seconds slower!$/);
    } finally {
      for (const c of [control, far, near]) c.ws.close();
      proxy.stop();
    }
  }, 20_000);
});
