import { fail } from "../lib/fail.ts";
import { clientOptions, parseOptions, urlOption } from "../lib/options.ts";
import { checkName } from "./names.ts";
import { checkRoom } from "./parse.ts";
import { runClient } from "./terminal_client.ts";

const program = "buzzer/buzzer_client.ts";
const { values } = parseOptions(program, "Game-show buzzer: press space to buzz, q to quit.", {
  ...clientOptions,
  name: { type: "string", value: "NAME", help: "your name in the room" },
  room: { type: "string", value: "CODE", help: "room code (the server's default room if unset)" },
  secret: { type: "string", value: "SECRET", help: "host the room with its secret instead of playing" },
});
const text = (name: string) => (typeof values[name] === "string" ? values[name] : undefined);
for (const [option, check] of [
  ["name", checkName],
  ["room", checkRoom],
] as const) {
  const given = text(option);
  const checked = given === undefined ? null : check(given);
  if (checked && !checked.ok) fail(`${program}: invalid --${option} '${given}': ${checked.message}`, 2);
}

runClient({
  program,
  url: urlOption(program, values.url),
  name: text("name"),
  room: text("room"),
  secret: text("secret"),
});
