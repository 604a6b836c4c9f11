/**
 * The soak game, a worker process (config: GameConfig, JSON): a host starting a round every period
 * and the players buzzing in it, every verdict checked, some players replaced after each round.
 * Answers `sample` with an Interval, `quit` with the Final figures.
 */
import { commands, ErrorLog, emit, now, sleep, workerConfig } from "../harness.ts";
import { Host } from "../host.ts";
import { SECRET } from "../servers.ts";
import { connect } from "../wire.ts";
import { checkDelay, type Final, type GameConfig, type Interval, MASH_DELAY } from "./plan.ts";
import { Players } from "./players.ts";

const config = workerConfig<GameConfig>();
const { hostname: host, port: portText } = new URL(config.url);
const port = Number(portText);
const checkAfter = checkDelay(config.period, config.spread);
const errors = new ErrorLog();
const fail = errors.add;
const hostConn = await connect(host, port, fail);
const players = new Players(host, port, fail);
hostConn.onClose = (code) => {
  if (!players.stopping) fail(`the host was closed (${code})`);
};
const room = await Host.join(hostConn, SECRET, fail);
await players.fill(config.json, config.plain);
let rounds = 0;

/** Rounds until told to stop: open, players buzz at random in the first `spread` ms, check, churn. */
async function play(): Promise<void> {
  while (!players.stopping) {
    const t0 = now();
    players.clearRound();
    if (!(await room.newRound(5000))) {
      fail("the round did not open within 5 s");
      continue;
    }
    const r = room.round;
    players.round = r;
    const openAt = now();
    for (const p of players.all) {
      const at = Math.random() * config.spread;
      setTimeout(() => players.buzz(p, r), at);
      if (Math.random() < config.mash) {
        setTimeout(() => players.buzz(p, r), at + MASH_DELAY.min + Math.random() * MASH_DELAY.range);
      }
    }
    await sleep(Math.max(0, openAt + checkAfter - now()));
    if (players.stopping) break;
    players.check();
    rounds++;
    await players.churn(config.churnPlain, config.churnJson);
    await sleep(Math.max(0, t0 + config.period - now()));
  }
}
const game = play();
emit({ ready: true, players: players.all.length });

await commands(async (cmd) => {
  if (cmd === "sample") {
    const interval: Interval = { rounds, ...players.take(), ...errors.take(), playerCount: room.playerCount };
    rounds = 0;
    emit(interval);
  } else if (cmd === "quit") {
    players.stopping = true;
    await Promise.race([game, sleep(config.period + 1000)]);
    // The fairness records the room keeps in memory, as the host would download them.
    const log = (await room.fairnessLog(10_000)) ?? "";
    const records = log ? log.split("\n").filter(Boolean).length : Number.NaN;
    await Promise.race([
      Promise.all([...players.all.map((p) => p.c.close()), hostConn.close()]),
      sleep(3000),
    ]);
    const final: Final = {
      records,
      logKiB: log.length / 1024,
      playerCount: room.playerCount,
      ...errors.take(),
    };
    emit(final);
    process.exit(0);
  }
});
