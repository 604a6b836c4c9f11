/**
 * Plays simulated games in a process of their own and prints the results as JSON, so a caller's
 * event loop (a test runner's, busy with other work) cannot delay the simulated network.
 * Usage: bun bench/fairness/play.ts '{"rooms":2,"rounds":3,...}' | bun bench/fairness/play.ts latency N
 */
import { loopbackLatency, playGames } from "./game.ts";

const [what, arg] = process.argv.slice(2);
const result =
  what === "latency" ? await loopbackLatency(Number(arg)) : await playGames(JSON.parse(what ?? "{}"));
console.log(JSON.stringify(result));
process.exit(0);
