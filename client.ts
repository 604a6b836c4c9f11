import { Close } from "./lib/close.ts";
import { connect, readLine } from "./lib/connect.ts";
import { fail } from "./lib/fail.ts";
import { clientOptions, parseOptions, secondsOption, urlOption } from "./lib/options.ts";

const program = "client.ts";
const { values, positionals } = parseOptions(
  program,
  "Greeting client: sends your name and prints the server's greeting.",
  {
    ...clientOptions,
    timeout: {
      type: "string",
      default: "5",
      value: "SECONDS",
      help: "how long to wait for the server",
    },
  },
  undefined,
  "[NAME]",
);
const url = urlOption(program, values.url);
const timeoutMs = secondsOption(program, "timeout", values.timeout);

let name = positionals.join(" ");
// Asked for only when none is given: an empty one given (`"$NAME"` unset) is refused below.
if (positionals.length === 0) {
  process.stdout.write("Enter your name: ");
  name = (await readLine()) ?? fail("\nclient.ts: no name given (stdin ended)");
  // Echo a piped name so the transcript reads the same as when it is typed.
  if (!process.stdin.isTTY) console.log(name);
}
if (!name.trim()) fail(`${program}: the name must not be empty`, 2);

const ws = await connect(url, timeoutMs).catch((error: Error) => fail(`${program}: ${error.message}`));
const timer = setTimeout(
  () => fail(`${program}: no reply from ${url} within ${timeoutMs / 1000}s`),
  timeoutMs,
);
let replied = false;
// A server may close normally (1000) without a word: only a reply makes the run a success.
ws.addEventListener("close", () => {
  if (!replied) fail(`${program}: ${url} closed the connection before replying`);
  process.exit(0);
});
ws.addEventListener("message", (event) => {
  replied = true;
  clearTimeout(timer);
  console.log(`Received: ${event.data}`);
  ws.close(Close.NORMAL);
});
ws.send(name);
console.log(`Sent: ${name}`);
