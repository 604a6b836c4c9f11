import { describe, expect, test } from "bun:test";
import { help, type OptionSpecs } from "../../lib/options.ts";

const specs: OptionSpecs = {
  port: { type: "string", default: "8765", env: "PORT", value: "PORT", help: "port" },
  "connections-per-address": {
    type: "string",
    value: "N",
    default: "2500",
    help: "most connections at once from one address, then refused with 429 until one closes",
  },
  quiet: { type: "boolean", help: "print less" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

describe("options", () => {
  test("help starts every description in one column, two spaces after the longest option", () => {
    expect(help("x.ts", "Does x.", specs).split("\n")).toEqual([
      "Usage: bun x.ts [options]",
      "",
      "Does x.",
      "",
      "Options:",
      "      --port PORT                  port (default 8765, env PORT)",
      "      --connections-per-address N  most connections at once from one address,",
      "                                   then refused with 429 until one closes",
      "                                   (default 2500)",
      "      --quiet                      print less",
      "  -h, --help                       show this help",
    ]);
  });

  test("help wraps descriptions within 80 columns, keeping a word longer than the room whole", () => {
    const long = { a: { type: "boolean", help: `see ${"x".repeat(90)} here` } } satisfies OptionSpecs;
    const lines = help("x.ts", "Does x.", long).split("\n").slice(5);
    expect(lines).toEqual(["      --a  see", `           ${"x".repeat(90)}`, "           here"]);
    const real = help("x.ts", "Does x.", specs).split("\n");
    expect(real.every((line) => line.length <= 80)).toBe(true);
  });

  test("help lists a program's positional argument after its options", () => {
    expect(help("client.ts", "Greets.", { quiet: specs.quiet as OptionSpecs[string] }, "[NAME]")).toStartWith(
      "Usage: bun client.ts [options] [NAME]\n",
    );
  });
});
