import { describe, expect, test } from "bun:test";
import {
  type ClientMessage,
  checkName,
  checkRoom,
  encode,
  LIMITS,
  nameKey,
  type Parsed,
  PLAIN_BUZZ,
  parseClient,
  parseServer,
  type ServerMessage,
} from "../../buzzer/protocol.ts";

/** Parses an object sent as JSON. */
const parse = (value: unknown) => parseClient(JSON.stringify(value));

/** The BAD_MESSAGE result with this message. */
const badMessage = (message: string): Parsed<never> => ({ ok: false, code: "BAD_MESSAGE", message });

const NOT_OBJECT = badMessage("message must be a JSON object with a type");

describe("protocol", () => {
  test("pins the limits on what clients send", () => {
    expect(LIMITS).toEqual({
      message: 4096,
      name: 32,
      room: 8,
      secret: 128,
      backlog: 1_048_576,
      countdown: 60_000,
    });
    expect(PLAIN_BUZZ).toBe("buzz");
  });

  describe("parseClient accepts", () => {
    test("a join with every field", () => {
      expect(
        parse({ type: "join", name: "Ann", room: "abc", token: "tok", secret: "s3cret", watch: true }),
      ).toStrictEqual({
        ok: true,
        msg: { type: "join", name: "Ann", room: "abc", token: "tok", secret: "s3cret", watch: true },
      });
    });

    test("a join with no fields", () => {
      expect(parse({ type: "join" })).toEqual({ ok: true, msg: { type: "join" } });
    });

    test("a join with fields at their length limits", () => {
      const msg: ClientMessage = {
        type: "join",
        name: "n".repeat(128),
        room: "r".repeat(64),
        token: "t".repeat(64),
        secret: "s".repeat(128),
        watch: false,
      };
      expect(parse(msg)).toStrictEqual({ ok: true, msg });
    });

    test("a buzz without a time", () => {
      expect(parse({ type: "buzz" })).toEqual({ ok: true, msg: { type: "buzz" } });
    });

    test("a buzz with a time", () => {
      expect(parse({ type: "buzz", at: 1234.5 })).toStrictEqual({
        ok: true,
        msg: { type: "buzz", at: 1234.5 },
      });
      expect(parse({ type: "buzz", at: 0 })).toStrictEqual({ ok: true, msg: { type: "buzz", at: 0 } });
      expect(parse({ type: "buzz", at: -5 })).toStrictEqual({ ok: true, msg: { type: "buzz", at: -5 } });
    });

    test("a pong with numbers id and t", () => {
      expect(parse({ type: "pong", id: 3, t: 99.25 })).toStrictEqual({
        ok: true,
        msg: { type: "pong", id: 3, t: 99.25 },
      });
    });

    test("an arm without a countdown", () => {
      expect(parse({ type: "arm" })).toEqual({ ok: true, msg: { type: "arm" } });
    });

    test("an arm with a countdown from 0 to 60000", () => {
      for (const countdown of [0, 3000, 60_000]) {
        expect(parse({ type: "arm", countdown })).toStrictEqual({
          ok: true,
          msg: { type: "arm", countdown },
        });
      }
    });

    test("a lock and a reset", () => {
      expect(parse({ type: "lock" })).toStrictEqual({ ok: true, msg: { type: "lock" } });
      expect(parse({ type: "reset" })).toStrictEqual({ ok: true, msg: { type: "reset" } });
    });

    test("a kick with a player id up to 64 characters", () => {
      expect(parse({ type: "kick", player: "p1" })).toStrictEqual({
        ok: true,
        msg: { type: "kick", player: "p1" },
      });
      const player = "p".repeat(64);
      expect(parse({ type: "kick", player })).toStrictEqual({ ok: true, msg: { type: "kick", player } });
    });

    test("a log in each format and without one", () => {
      expect(parse({ type: "log" })).toEqual({ ok: true, msg: { type: "log" } });
      expect(parse({ type: "log", format: "jsonl" })).toStrictEqual({
        ok: true,
        msg: { type: "log", format: "jsonl" },
      });
      expect(parse({ type: "log", format: "csv" })).toStrictEqual({
        ok: true,
        msg: { type: "log", format: "csv" },
      });
    });

    test("a message with unknown extra fields, dropping them", () => {
      expect(parse({ type: "buzz", at: 1, extra: true })).toStrictEqual({
        ok: true,
        msg: { type: "buzz", at: 1 },
      });
      expect(parse({ type: "lock", countdown: 5 })).toStrictEqual({ ok: true, msg: { type: "lock" } });
      expect(parse({ type: "reset", player: "x" })).toStrictEqual({ ok: true, msg: { type: "reset" } });
    });

    test("JSON with surrounding whitespace", () => {
      expect(parseClient('  {"type":"lock"}\n')).toStrictEqual({ ok: true, msg: { type: "lock" } });
    });
  });

  describe("parseClient refuses", () => {
    test("invalid JSON", () => {
      const result: Parsed<never> = { ok: false, code: "BAD_JSON", message: "message is not valid JSON" };
      for (const text of ["", "buzz", "{", "{type:'buzz'}", '{"type":"buzz",}', "undefined"]) {
        expect(parseClient(text)).toStrictEqual(result);
      }
    });

    test("an array", () => {
      expect(parseClient("[]")).toStrictEqual(NOT_OBJECT);
      expect(parseClient('[{"type":"buzz"}]')).toStrictEqual(NOT_OBJECT);
    });

    test("a number, a string, a boolean and null", () => {
      for (const text of ["42", '"buzz"', "true", "null"]) {
        expect(parseClient(text)).toStrictEqual(NOT_OBJECT);
      }
    });

    test("an unknown type", () => {
      expect(parse({ type: "dance" })).toStrictEqual(badMessage('unknown message type "dance"'));
      expect(parse({ type: "Buzz" })).toStrictEqual(badMessage('unknown message type "Buzz"'));
      expect(parse({ type: "" })).toStrictEqual(badMessage('unknown message type ""'));
    });

    test("a type that is not a string", () => {
      expect(parse({ type: 7 })).toStrictEqual(badMessage("unknown message type 7"));
      expect(parse({ type: null })).toStrictEqual(badMessage("unknown message type null"));
      expect(parse({ type: ["buzz"] })).toStrictEqual(badMessage('unknown message type ["buzz"]'));
    });

    test("a missing type", () => {
      expect(parse({})).toStrictEqual(badMessage("unknown message type (none)"));
      expect(parse({ at: 5 })).toStrictEqual(badMessage("unknown message type (none)"));
    });

    test("an unknown type, cut to 40 characters of JSON", () => {
      expect(parse({ type: "x".repeat(100) })).toStrictEqual(
        badMessage(`unknown message type "${"x".repeat(39)}`),
      );
    });

    test("a join whose name is not a string or too long", () => {
      const result = badMessage("join.name must be a string");
      expect(parse({ type: "join", name: 5 })).toStrictEqual(result);
      expect(parse({ type: "join", name: null })).toStrictEqual(result);
      expect(parse({ type: "join", name: ["Ann"] })).toStrictEqual(result);
      expect(parse({ type: "join", name: "n".repeat(129) })).toStrictEqual(result);
    });

    test("a join whose room is not a string or too long", () => {
      const result = badMessage("join.room must be a string");
      expect(parse({ type: "join", room: 42 })).toStrictEqual(result);
      expect(parse({ type: "join", room: "r".repeat(65) })).toStrictEqual(result);
    });

    test("a join whose token is not a string or too long", () => {
      const result = badMessage("join.token must be a string");
      expect(parse({ type: "join", token: {} })).toStrictEqual(result);
      expect(parse({ type: "join", token: "t".repeat(65) })).toStrictEqual(result);
    });

    test("a join whose secret is not a string or too long", () => {
      const result = badMessage("join.secret must be a string");
      expect(parse({ type: "join", secret: true })).toStrictEqual(result);
      expect(parse({ type: "join", secret: "s".repeat(129) })).toStrictEqual(result);
    });

    test("a join by its first bad field", () => {
      expect(parse({ type: "join", name: 1, room: 2, token: 3, secret: 4 })).toStrictEqual(
        badMessage("join.name must be a string"),
      );
      expect(parse({ type: "join", room: 2, secret: 4 })).toStrictEqual(
        badMessage("join.room must be a string"),
      );
    });

    test("a buzz whose time is not a finite number", () => {
      const result = badMessage("buzz.at must be a number");
      expect(parse({ type: "buzz", at: "12" })).toStrictEqual(result);
      expect(parse({ type: "buzz", at: null })).toStrictEqual(result);
      expect(parse({ type: "buzz", at: true })).toStrictEqual(result);
      expect(parseClient('{"type":"buzz","at":1e999}')).toStrictEqual(result);
    });

    test("a pong without numbers id and t", () => {
      const result = badMessage("pong needs numbers id and t");
      expect(parse({ type: "pong" })).toStrictEqual(result);
      expect(parse({ type: "pong", id: 1 })).toStrictEqual(result);
      expect(parse({ type: "pong", t: 1 })).toStrictEqual(result);
      expect(parse({ type: "pong", id: "1", t: 1 })).toStrictEqual(result);
      expect(parse({ type: "pong", id: 1, t: "1" })).toStrictEqual(result);
      expect(parseClient('{"type":"pong","id":1,"t":-1e999}')).toStrictEqual(result);
    });

    test("an arm whose countdown is out of range or not a number", () => {
      const result = badMessage("arm.countdown must be a number of ms from 0 to 60000");
      expect(parse({ type: "arm", countdown: -1 })).toStrictEqual(result);
      expect(parse({ type: "arm", countdown: -0.5 })).toStrictEqual(result);
      expect(parse({ type: "arm", countdown: 60_001 })).toStrictEqual(result);
      expect(parse({ type: "arm", countdown: "3000" })).toStrictEqual(result);
      expect(parse({ type: "arm", countdown: null })).toStrictEqual(result);
      expect(parseClient('{"type":"arm","countdown":1e999}')).toStrictEqual(result);
    });

    test("a kick without a player id of at most 64 characters", () => {
      const result = badMessage("kick.player must be a player id");
      expect(parse({ type: "kick" })).toStrictEqual(result);
      expect(parse({ type: "kick", player: 7 })).toStrictEqual(result);
      expect(parse({ type: "kick", player: null })).toStrictEqual(result);
      expect(parse({ type: "kick", player: "p".repeat(65) })).toStrictEqual(result);
    });

    test("a log in a format other than jsonl or csv", () => {
      const result = badMessage("log.format must be jsonl or csv");
      expect(parse({ type: "log", format: "xml" })).toStrictEqual(result);
      expect(parse({ type: "log", format: "JSONL" })).toStrictEqual(result);
      expect(parse({ type: "log", format: null })).toStrictEqual(result);
      expect(parse({ type: "log", format: 1 })).toStrictEqual(result);
    });
  });

  describe("parseServer", () => {
    test("returns a message with a string type", () => {
      const msg: ServerMessage = { type: "ping", id: 4 };
      expect(parseServer(encode(msg))).toStrictEqual(msg);
      const verdict: ServerMessage = {
        type: "verdict",
        round: 2,
        place: 2,
        gap: 0.25,
        photo: false,
        text: "response time: 0.25 seconds slower!",
      };
      expect(parseServer(encode(verdict))).toStrictEqual(verdict);
    });

    test("returns null on text that is not JSON", () => {
      expect(parseServer("")).toBeNull();
      expect(parseServer("first place!")).toBeNull();
      expect(parseServer("{")).toBeNull();
    });

    test("returns null on JSON that is not an object with a string type", () => {
      for (const text of [
        "42",
        '"ping"',
        "null",
        "true",
        "[]",
        '[{"type":"ping"}]',
        "{}",
        '{"type":5}',
        '{"type":null}',
      ]) {
        expect(parseServer(text)).toBeNull();
      }
    });
  });

  describe("checkName", () => {
    test("trims the name", () => {
      expect(checkName("  Ann  ")).toStrictEqual({ ok: true, msg: "Ann" });
      expect(checkName("\t Ann Lee \n")).toStrictEqual({ ok: true, msg: "Ann Lee" });
    });

    test("refuses an empty or blank name", () => {
      const result: Parsed<never> = { ok: false, code: "BAD_NAME", message: "name must not be empty" };
      expect(checkName("")).toStrictEqual(result);
      expect(checkName("   ")).toStrictEqual(result);
      expect(checkName("\t\r\n")).toStrictEqual(result);
    });

    test("refuses control characters inside the name", () => {
      const result: Parsed<never> = {
        ok: false,
        code: "BAD_NAME",
        message: "name must not contain control characters",
      };
      for (const name of [
        "A\u0000B",
        "Ann\u0007",
        "A\tB",
        "A\nB",
        "\u001b[31mred",
        "A\u007fB",
        "A\u0085B",
        "\u0001",
      ]) {
        expect(checkName(name)).toStrictEqual(result);
      }
    });

    test("accepts 32 characters and refuses 33", () => {
      expect(checkName("a".repeat(32))).toStrictEqual({ ok: true, msg: "a".repeat(32) });
      expect(checkName("a".repeat(33))).toStrictEqual({
        ok: false,
        code: "BAD_NAME",
        message: "name must be at most 32 characters",
      });
    });

    test("counts the length after trimming", () => {
      expect(checkName(`   ${"a".repeat(32)}   `)).toStrictEqual({ ok: true, msg: "a".repeat(32) });
    });

    test("counts code points: 32 emoji are fine, 33 are not", () => {
      expect(checkName("😀".repeat(32))).toStrictEqual({ ok: true, msg: "😀".repeat(32) });
      expect(checkName("😀".repeat(33))).toStrictEqual({
        ok: false,
        code: "BAD_NAME",
        message: "name must be at most 32 characters",
      });
    });

    test("refuses a name of only invisible characters", () => {
      expect(checkName("\u200b\u200d")).toStrictEqual({
        ok: false,
        code: "BAD_NAME",
        message: "name must not be empty",
      });
    });

    test("accepts letters beyond ASCII", () => {
      expect(checkName("Zoë Ødegård 李")).toStrictEqual({ ok: true, msg: "Zoë Ødegård 李" });
    });

    test("drops invisible and format characters", () => {
      for (const [raw, name] of [
        ["Alice\u200b", "Alice"], // zero-width space
        ["\ufeffAl\u00adice\u2060", "Alice"], // byte-order mark, soft hyphen, word joiner
        ["\u202eecilA", "ecilA"], // right-to-left override
        ["Al\u2066ice\u2069\u200f", "Alice"], // bidi isolates and mark
        ["Ann\u3164", "Ann"], // Hangul filler
        ["\u115fAnn\u1160\uffa0", "Ann"], // Hangul choseong, jungseong and halfwidth fillers
        ["Ann\u2800\u2800", "Ann"], // blank braille pattern
        ["A\ud800nn\udfff", "Ann"], // lone surrogates
        ["Ann\u{e0041}\u{e0042}", "Ann"], // tag characters, which can smuggle hidden text
        ["\ufe0fAnn \ufe0f", "Ann"], // variation selectors with nothing to select
        ["\u200dAnn\u200d", "Ann"], // joiners with nothing to join
      ]) {
        expect(checkName(raw as string)).toStrictEqual({ ok: true, msg: name as string });
      }
    });

    test("keeps joiners and variation selectors that shape visible characters", () => {
      for (const name of [
        "👨\u200d👩\u200d👧", // family: emoji joined by zero-width joiners
        "❤\ufe0f\u200d🔥", // heart on fire: emoji presentation, then a joiner
        "1\ufe0f\u20e3", // keycap one
        "می\u200cخواهم", // Persian: a zero-width non-joiner inside a word
      ]) {
        expect(checkName(name)).toStrictEqual({ ok: true, msg: name });
      }
    });

    test("refuses a name of only invisible or blank characters", () => {
      const result: Parsed<never> = { ok: false, code: "BAD_NAME", message: "name must not be empty" };
      for (const raw of [
        "\u3164",
        "\u115f\u1160\uffa0",
        "\u2800",
        "\ud800",
        "\u202e",
        "\ufe0f",
        "\u2028 \u2029",
      ]) {
        expect(checkName(raw)).toStrictEqual(result);
      }
    });

    test("collapses runs of whitespace, line and paragraph separators to one space", () => {
      expect(checkName("Ann   Lee")).toStrictEqual({ ok: true, msg: "Ann Lee" });
      expect(checkName("Ann\u2028Lee")).toStrictEqual({ ok: true, msg: "Ann Lee" });
      expect(checkName("Ann\u2029\u3000\u00a0Lee")).toStrictEqual({ ok: true, msg: "Ann Lee" });
      expect(checkName("Ann \u200b Lee")).toStrictEqual({ ok: true, msg: "Ann Lee" });
    });

    test("normalizes to NFC", () => {
      expect(checkName("Zoe\u0308")).toStrictEqual({ ok: true, msg: "Zoë" });
      expect(checkName("e\u200b\u0301")).toStrictEqual({ ok: true, msg: "é" });
    });

    test("counts the length after dropping invisible characters", () => {
      const name = "a".repeat(32);
      expect(checkName(`${name}\u200b\u200b`)).toStrictEqual({ ok: true, msg: name });
    });
  });

  describe("nameKey", () => {
    test("makes look-alike names equal", () => {
      const keys = [
        "Alice",
        "ALICE",
        "alice",
        "Ａｌｉｃｅ",
        "Alice\u200b",
        " Al\u00adice ",
        "\u202eAlice",
        "Alice\u3164",
      ].map(nameKey);
      expect(new Set(keys)).toEqual(new Set(["alice"]));
    });

    test("folds whitespace and case beyond ASCII", () => {
      expect(nameKey("Ann  Lee")).toBe("ann lee");
      expect(nameKey("Ann\u00a0Lee")).toBe("ann lee");
      expect(nameKey("Ann\u3000\u2028Lee")).toBe("ann lee");
      expect(nameKey("Straße")).toBe(nameKey("STRASSE"));
      expect(nameKey("ΟΔΟΣ")).toBe(nameKey("οδοσ"));
      expect(nameKey("Zoe\u0308")).toBe(nameKey("ZOË"));
    });

    test("keeps different names apart", () => {
      expect(nameKey("Alice")).not.toBe(nameKey("Alicia"));
      expect(nameKey("Ann Lee")).not.toBe(nameKey("AnnLee"));
      expect(nameKey("Zoë")).not.toBe(nameKey("Zoe"));
    });

    test("is what checkName's output compares in, whatever was typed", () => {
      const typed = ["Alice", "Alice\u200b", "Ａｌｉｃｅ", "ALICE\u2800"];
      const keys = typed.map((raw) => nameKey((checkName(raw) as { msg: string }).msg));
      expect(new Set(keys)).toEqual(new Set(["alice"]));
    });
  });

  describe("checkRoom", () => {
    test("upper-cases and trims the code", () => {
      expect(checkRoom("abc")).toStrictEqual({ ok: true, msg: "ABC" });
      expect(checkRoom(" ab12 ")).toStrictEqual({ ok: true, msg: "AB12" });
      expect(checkRoom("Q")).toStrictEqual({ ok: true, msg: "Q" });
      expect(checkRoom("abcd1234")).toStrictEqual({ ok: true, msg: "ABCD1234" });
    });

    test("refuses empty, too long or non-alphanumeric codes", () => {
      const result: Parsed<never> = {
        ok: false,
        code: "BAD_ROOM",
        message: "room code must be 1 to 8 letters or digits",
      };
      for (const raw of [
        "",
        "   ",
        "abcd12345",
        "a-b",
        "a b",
        "a_b",
        "é",
        "ÀB",
        "r00m!",
        "１２",
        "ß",
        "ﬁ",
        "ıı",
      ]) {
        expect(checkRoom(raw)).toStrictEqual(result);
      }
    });
  });

  test("encodes a message as its JSON text", () => {
    expect(encode({ type: "buzz", at: 5 })).toBe('{"type":"buzz","at":5}');
  });
});
