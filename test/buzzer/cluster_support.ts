/** What the tests of a cluster share: buzzer processes on one Redis, their ids, and an owner stopped with what reaches it. */
import { RedisClient } from "bun";
import { startServer } from "../support.ts";

/** A buzzer server process. */
export type Server = Awaited<ReturnType<typeof startServer>>;

/** A buzzer server process in the cluster on the Redis at `redisUrl`, with the main `secret`. */
export function member(redisUrl: string, secret = "cluster-secret"): Promise<Server> {
  return startServer("buzzer/buzzer_server.ts", ["--redis", redisUrl, "--secret", secret]);
}

/** The process id a server announced at start. */
export async function pidOf(server: Server): Promise<string> {
  return (await server.waitFor(/as process (\w+)\n/))[1] as string;
}

/**
 * Stops a room's owner (it reads nothing more) and records what Redis delivers on its channel from
 * then on: what a process killed now dies with, delivered and never handled.
 */
export async function stopOwner(server: Server, redisUrl: string) {
  const watcher = new RedisClient(redisUrl);
  let heard = "";
  await watcher.subscribe(`bz:owner:${await pidOf(server)}`, (text) => {
    heard += text;
  });
  server.proc.kill("SIGSTOP");
  return {
    /** Waits until what reached the stopped owner includes `text` (the test's timeout stops a hang); returns all of it. */
    async until(text: string): Promise<string> {
      while (!heard.includes(text)) await Bun.sleep(20);
      return heard;
    },
    /** Kills the stopped owner, with what reached it unread. */
    async kill(): Promise<void> {
      watcher.close();
      server.proc.kill("SIGKILL");
      await server.proc.exited;
    },
    /** Stops listening (for a test that ends early). */
    close: () => watcher.close(),
  };
}
