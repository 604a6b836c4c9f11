import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { linkQuery, startProxy } from "../../bench/fairness/proxy.ts";
import { Peer } from "../buzzer/peer.ts";
import { type Server, startServer } from "../support.ts";
import { load } from "./load_run.ts";

/** Each way of the far client's link, in ms, and how much earlier it presses than the near one. */
const ONE_WAY = 100;
const LEAD = 80;
/** The longest wait for a reply: only to stop a hang. */
const WAIT = 10_000;

describe("bench/reference/bare_fair.ts", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer("bench/reference/bare_fair.ts", []);
  });
  afterAll(async () => {
    await server.stop();
  });

  test("answers a burst of 50, each round's verdicts checked by the load generator, one first place each", async () => {
    const r = await load(server.url, ["--scenario", "burst", "--conns", "50"]);
    expect(r.errorSamples).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.rounds?.map((x) => [x.verdicts, x.firstPlaces])).toEqual(Array(5).fill([50, 1]));
  });

  test("places a far client that presses 80 ms earlier first, though its buzz arrives last", async () => {
    const proxy = startProxy(server.url);
    // Plain-text clients whose WebSockets answer ping frames, as the load generator's do.
    const control = new Peer(server.url);
    const far = new Peer(`${proxy.url}/${linkQuery({ up: ONE_WAY, down: ONE_WAY, jitter: 0, seed: 1 })}`);
    const near = new Peer(server.url);
    try {
      await Promise.all([control, far, near].map((p) => p.opened));
      control.ws.send("reset");
      expect(await control.text(WAIT)).toBe("new round");
      // A sweep of probes every 100 ms: both links are measured well within this.
      await Bun.sleep(1000);
      far.ws.send("buzz");
      await Bun.sleep(LEAD);
      near.ws.send("buzz");
      expect(await far.text(WAIT)).toBe("first place!");
      expect(await near.text(WAIT)).toMatch(/^response time: \d+\.\d\d seconds slower!$/);
    } finally {
      for (const p of [control, far, near]) p.close();
      proxy.stop();
    }
  }, 20_000);
});
