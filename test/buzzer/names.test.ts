import { describe, expect, test } from "bun:test";
import { checkName, checkTeam, nameKey } from "../../buzzer/names.ts";
import type { Parsed } from "../../buzzer/parse.ts";

describe("names", () => {
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

    test("refuses a character with more than 4 combining marks stacked on it (Zalgo text towers over the rows around it)", () => {
      const result: Parsed<never> = {
        ok: false,
        code: "BAD_NAME",
        message: "name must not stack more than 4 marks on one character",
      };
      expect(checkName(`Z${"\u0336".repeat(31)}`)).toStrictEqual(result);
      expect(checkName(`Ann${"\u0301\u0316".repeat(3)}`)).toStrictEqual(result);
      // Marks with no letter under them, and marks an invisible character split, stack all the same
      // (NFC composes the first mark here into "á": five are left).
      expect(checkName("\u0301".repeat(5))).toStrictEqual(result);
      expect(checkName("a\u0301\u0302\u200b\u0303\u0304\u0305\u0306")).toStrictEqual(result);
      expect(checkTeam(`Z${"\u0336".repeat(5)}`)).toStrictEqual({
        ...result,
        code: "BAD_TEAM",
        message: result.message.replace("name", "team"),
      });
    });

    test("accepts the marks real words and emoji stack: up to 4 on one character", () => {
      for (const name of [
        "Nguyễn Thị", // Vietnamese: one composed letter with two marks
        "שָׁלוֹם", // Hebrew with points
        "हिन्दी", // Devanagari: vowel signs and a virama
        "1\ufe0f\u20e3", // keycap: a selector and an enclosing mark
        `e${"\u0301\u0316".repeat(2)}`,
      ]) {
        expect(checkName(name)).toStrictEqual({ ok: true, msg: name.normalize("NFC") });
      }
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
});
