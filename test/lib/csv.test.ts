import { describe, expect, test } from "bun:test";
import { csv } from "../../lib/csv.ts";

describe("csv", () => {
  test("writes a line per row, numbers, flags and nothing as they are", () => {
    expect(
      csv([
        ["rank", "name"],
        [1, "Ann"],
        [-2.5, null],
        [true, ""],
      ]),
    ).toBe("rank,name\n1,Ann\n-2.5,\ntrue,\n");
  });

  test("quotes a cell with a quote, a comma or a line break", () => {
    expect(csv([['Ann "A"', "a,b", "x\ny"]])).toBe('"Ann ""A""","a,b","x\ny"\n');
  });

  test("makes text a spreadsheet would run as a formula plain text, but not a negative number", () => {
    expect(csv([["=HYPERLINK(1)", "+1", "-x", "@SUM", -3]])).toBe("'=HYPERLINK(1),'+1,'-x,'@SUM,-3\n");
  });
});
