import { appendFileSync } from "node:fs";
import { renderUnicodeCompact } from "uqr";
import { fail, orFail } from "../lib/fail.ts";
import { openFileLimit } from "../lib/files.ts";
import { logger } from "../lib/log.ts";
import {
  numberOption,
  PAGE_URL,
  parseOptions,
  REDIS_URL,
  serverOptions,
  shown,
  urlOption,
} from "../lib/options.ts";
import { randomHex } from "../lib/secret.ts";
import { listen, listenOptions } from "../lib/serve.ts";
import { readTls } from "../lib/tls.ts";
import { clustered } from "./cluster.ts";
import { embedded } from "./embedded.ts";
import { MAX_COMPENSATION } from "./fair.ts";
import { IDLE_GRACE } from "./gateway/conn.ts";
import type { Conn } from "./gateway/gateway.ts";
import { COUNTDOWN_MS, DEFAULT_ROOM } from "./protocol.ts";
import { MIN_SECRET } from "./room/opening.ts";
import type { OwnerOptions } from "./room/owner.ts";
import { openState } from "./state_file.ts";
import { CTRL_C, readKeys } from "./terminal.ts";
import { systemClock } from "./time.ts";
import { allowedHosts, joinInfo, webRoutes } from "./web.ts";

const program = "buzzer/buzzer_server.ts";

/** Files kept free for the server's own use (journal, logs, pages) when connections fill the limit. */
const FILE_RESERVE = 64;
const { values } = parseOptions(program, "Game-show buzzer server: the first to press wins.", {
  ...serverOptions,
  secret: {
    type: "string",
    env: "BUZZER_SECRET",
    value: "SECRET",
    help: "host secret of the default room (random if unset)",
  },
  "max-wait": {
    type: "string",
    default: "500",
    value: "MS",
    help: "longest wait for a possibly earlier press",
  },
  "joins-per-address": {
    type: "string",
    default: "200",
    value: "N",
    help: "players that may join at once from one address (then 5 a second)",
  },
  "max-connections": {
    type: "string",
    value: "N",
    help: `most connections at once (default: the open-file limit less ${FILE_RESERVE})`,
  },
  "connections-per-address": {
    type: "string",
    default: "2500",
    value: "N",
    help: "most connections at once from one address",
  },
  "resume-grace": {
    type: "string",
    default: "600",
    value: "SECONDS",
    help: "how long a player who left may come back before it is forgotten (a line that scored stays, and its token brings it back)",
  },
  "max-compensation": {
    type: "string",
    default: String(MAX_COMPENSATION),
    value: "MS",
    help: "most any player's link is compensated, at most --max-wait (farther players get partial compensation)",
  },
  "public-url": {
    type: "string",
    value: "URL",
    help: "the URL players use when the server is behind a proxy or a DNS name (accepted as Host and Origin)",
  },
  "idle-grace": {
    type: "string",
    default: String(IDLE_GRACE / 1000),
    value: "SECONDS",
    help: "when full, a connection idle (not joined, never buzzed) this long is closed for a newcomer",
  },
  "private-rooms": { type: "boolean", help: "only the server's secret opens new rooms" },
  state: { type: "string", value: "FILE", help: "keep the game in FILE and resume it after a restart" },
  redis: {
    type: "string",
    env: "REDIS_URL",
    value: "URL",
    help: "share rooms with every server process on this Redis (redis://HOST:PORT)",
  },
  "reuse-port": { type: "boolean", help: "let several server processes listen on the same port" },
  "tls-cert": {
    type: "string",
    value: "FILE",
    help: "serve https and wss with this certificate (PEM; needs --tls-key)",
  },
  "tls-key": { type: "string", value: "FILE", help: "the certificate's private key (PEM)" },
  "clock-skew": {
    type: "string",
    default: "0",
    value: "MS",
    help: "with --redis across machines: how far their clocks may differ (NTP's accuracy, e.g. 5)",
  },
  "fairness-log": {
    type: "string",
    value: "FILE",
    // The host's download is kept in memory only, so a restart empties it: this is where all of it goes.
    help: "append every placed press to FILE (JSON lines; the host's download holds only the presses since this process started)",
  },
});
// Checked first: a bad --host or --port must not wait for Redis, nor rewrite the --state file.
const at = listenOptions(program, values);
const log = logger(values.quiet === true);
const joinRate = {
  burst: numberOption(program, "joins-per-address", values["joins-per-address"], 1, 1_000_000, true),
  perSecond: 5,
};
const maxWait = numberOption(program, "max-wait", values["max-wait"], 0, 10_000);
// No press is credited earlier than the window waits for: compensation beyond max-wait would let a
// far player's press be placed behind presses made final before it could arrive.
const givenCompensation = numberOption(program, "max-compensation", values["max-compensation"], 0, 10_000);
const maxCompensation = Math.min(givenCompensation, maxWait);
const publicUrl =
  values["public-url"] === undefined
    ? undefined
    : urlOption(program, values["public-url"], PAGE_URL, "public-url");
const maxConnections = values["max-connections"]
  ? numberOption(program, "max-connections", values["max-connections"], 1, 10_000_000, true)
  : Math.max(1, openFileLimit() - FILE_RESERVE);
const statePath = values.state as string | undefined;
const redisUrl = values.redis as string | undefined;
const [certPath, keyPath] = [
  values["tls-cert"] as string | undefined,
  values["tls-key"] as string | undefined,
];
if ((certPath === undefined) !== (keyPath === undefined))
  fail(`${program}: --tls-cert and --tls-key go together`, 2);
// Read now, so a missing or unreadable file is one line at start, not a failure at the first visitor.
const tls = certPath && keyPath ? readTls(program, certPath, keyPath) : undefined;
// An empty value is a shell variable left unset (`--secret "$SECRET"`): an empty secret would make
// anyone who sends an empty one the host, an empty --state would keep nothing, and an empty --redis
// would run this process alone, apart from the rest.
if (values.secret === "")
  fail(
    `${program}: --secret is empty (is its variable set?): give a secret, or leave it out for a random one`,
    2,
  );
if (statePath === "")
  fail(
    `${program}: --state is empty (is its variable set?): give a FILE to keep the game in, or leave it out`,
    2,
  );
if (redisUrl === "")
  fail(`${program}: --redis is empty (is its variable set?): give a URL like redis://HOST:PORT`, 2);
if (redisUrl !== undefined) {
  urlOption(program, redisUrl, REDIS_URL, "redis");
  if (statePath !== undefined)
    fail(`${program}: --state and --redis do not go together: with --redis the game is kept in Redis`, 2);
  // Every process of a cluster must know the same secret: a random one would be this process's alone.
  if (values.secret === undefined)
    fail(`${program}: --redis needs --secret (or BUZZER_SECRET), the same for every process`, 2);
}
// The operator's choice, so not refused; but this secret hosts every room, where a room's own must
// have MIN_SECRET characters.
const chosen = values.secret === undefined ? undefined : String(values.secret);
if (chosen !== undefined && chosen.length < MIN_SECRET)
  console.error(
    `${program}: warning: a --secret of ${chosen.length} characters is easy to guess, and it hosts every room: use at least ${MIN_SECRET}`,
  );
const state = statePath
  ? orFail(`${program}: cannot read --state ${statePath}`, () => openState(statePath))
  : null;
// A random secret is 12 hex digits (48 bits): hopeless to guess at the per-address limit.
const secret = String(values.secret ?? state?.rooms?.get(DEFAULT_ROOM)?.secret ?? randomHex(12));
const logFile = values["fairness-log"] as string | undefined;
// Checked now, not at the first buzz: a file that cannot be written is a start-up error.
if (logFile) orFail(`${program}: cannot write --fairness-log ${logFile}`, () => appendFileSync(logFile, ""));

const ownerOptions: Omit<OwnerOptions, "clock"> = {
  settings: {
    maxWait,
    mainSecret: secret,
    logging: log !== undefined,
    newId: () => randomHex(),
    maxCompensation,
    resumeGrace: numberOption(program, "resume-grace", values["resume-grace"], 0, 86_400) * 1000,
    joinRate,
  },
  maxRooms: 1000,
  privateRooms: values["private-rooms"] === true,
  rooms: state?.rooms,
  journal: state ? (_room, entries) => state.write(entries) : undefined,
  onRecords: logFile
    ? (records) => appendFileSync(logFile, records.map((r) => `${JSON.stringify(r)}\n`).join(""))
    : undefined,
  log,
};
const gatewayOptions = {
  probeEvery: 2000,
  joinsPerAddress: joinRate,
  maxConnections,
  maxCompensation,
  idleGrace: numberOption(program, "idle-grace", values["idle-grace"], 0, 86_400) * 1000,
  clockSkew: numberOption(program, "clock-skew", values["clock-skew"], 0, 1000),
  connectionsPerAddress: numberOption(
    program,
    "connections-per-address",
    values["connections-per-address"],
    1,
    10_000_000,
    true,
  ),
  log,
};
const buzzer = redisUrl
  ? await clustered(redisUrl, ownerOptions, gatewayOptions).catch((error: Error) =>
      fail(
        `${program}: cannot reach Redis at ${shown(redisUrl)}: ${error.message} (is redis-server running there? a Redis with a password needs it in the URL: redis://:PASSWORD@HOST:PORT)`,
      ),
    )
  : embedded({ ...ownerOptions, clock: systemClock }, gatewayOptions);
const { owner, gateway } = buzzer;
if ("pid" in buzzer) log?.(`Sharing rooms through ${shown(redisUrl as string)} as process ${buzzer.pid}`);
// In a cluster the bus delay takes its share of max-wait too (cluster.ts).
if (givenCompensation > buzzer.maxCompensation)
  log?.(
    `Links are compensated up to ${buzzer.maxCompensation} ms, not ${givenCompensation}: --max-wait is ${maxWait}`,
  );
if (state) orFail(`${program}: cannot write --state ${statePath}`, () => state.compact(owner.rooms.values()));
const server = listen<Conn>(
  { ...at, tls },
  {
    // Read by requests only, once the port is known (below).
    routes: webRoutes(gateway.fetch, () => join),
    fetch: gateway.fetch,
    websocket: gateway.websocket,
    // Several processes may listen on one port: the kernel spreads connections over them.
    reusePort: values["reuse-port"] === true,
  },
  buzzer.detach,
);
buzzer.attach(server, allowedHosts(String(values.host), server.port ?? 0, publicUrl));
// With --quiet (logs kept somewhere) a secret the operator chose is not printed; a random one must be.
if (!values.quiet || values.secret === undefined)
  console.log(`Host secret for room ${DEFAULT_ROOM}: ${secret}`);
const join = joinInfo(String(values.host), server.port ?? 0, tls !== undefined, publicUrl);
log?.(
  `Players join at ${join.url} (host console: ${join.url}host, projector: ${join.url}screen)\n${renderUnicodeCompact(join.url)}`,
);
// The likeliest first-game failure: phones scanning a QR code of an address only this machine has.
if (!join.reachable) {
  log?.("Only this machine can join: to let phones on your network in, start with --host 0.0.0.0");
}

if (process.stdin.isTTY) {
  console.log(
    `Host keys: o open, c countdown ${COUNTDOWN_MS / 1000}s, l lock, n new round, x next question, q quit`,
  );
  const keys = {
    o: { type: "arm" },
    c: { type: "arm", countdown: COUNTDOWN_MS },
    l: { type: "lock" },
    n: { type: "reset" },
    x: { type: "next" },
  } as const;
  // The operator runs the default room by keys: its players are not told it has no host.
  buzzer.terminal(DEFAULT_ROOM, true);
  readKeys(
    (key) => {
      if (key === CTRL_C || key === "q") return void process.kill(process.pid, "SIGINT");
      // Run here (not by another process of a cluster), the round tells when a key would change nothing.
      const round = owner.rooms.get(DEFAULT_ROOM)?.round;
      const already = { o: "open", l: "locked" }[key];
      if (round && already === round.phase) console.log(`Round ${round.number} is ${already} already`);
      else if (key in keys) buzzer.host(DEFAULT_ROOM, keys[key as keyof typeof keys]);
    },
    () => buzzer.terminal(DEFAULT_ROOM, false),
  );
}
