import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { Leases } from "../../../buzzer/bus/leases.ts";
import { hasRedis, startRedis } from "../../support.ts";

const redisAvailable = hasRedis();
let redis: Awaited<ReturnType<typeof startRedis>>;
let client: RedisClient;

beforeAll(async () => {
  if (!redisAvailable) return;
  redis = await startRedis();
  client = new RedisClient(redis.url);
});
afterAll(async () => {
  client?.close();
  await redis?.stop();
});

describe("Leases", () => {
  test.if(redisAvailable)("a room that closes takes its journal and lease out of Redis", async () => {
    const leases = new Leases(client, "p1");
    await leases.joinStore();
    expect(await leases.take("IDLE")).toBe("p1");
    await leases.write("IDLE", [{ e: "room", room: "IDLE", secret: "a-secret-1" }]);
    expect(await client.send("EXISTS", ["bz:lease:IDLE", "bz:journal:IDLE"])).toBe(2);
    await leases.write("IDLE", [{ e: "close", room: "IDLE" }]);
    expect(leases.holds("IDLE")).toBe(false);
    expect(await client.send("KEYS", ["*IDLE*"])).toEqual([]);
  });

  test.if(redisAvailable)("lets go of a lease only while it is its own", async () => {
    const [one, two] = [new Leases(client, "p1"), new Leases(client, "p2")];
    await Promise.all([one.joinStore(), two.joinStore()]);
    expect(await one.take("MINE")).toBe("p1");
    await client.send("DEL", ["bz:lease:MINE"]);
    expect(await two.take("MINE")).toBe("p2");
    await one.release("MINE");
    expect(String(await client.get("bz:lease:MINE")).split(":")[0]).toBe("p2");
  });
});
