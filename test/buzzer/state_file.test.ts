import { afterAll, afterEach, describe, expect, spyOn, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openState } from "../../buzzer/state_file.ts";

const dir = mkdtempSync(join(tmpdir(), "buzzer-state-file-"));
// Test files share a process: the spy is undone with the directory.
const errors = spyOn(console, "error").mockImplementation(() => {});
afterEach(() => errors.mockClear());
afterAll(() => {
  errors.mockRestore();
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("state_file", () => {
  test("creates the file readable and writable by its owner only", () => {
    const path = join(dir, "new.jsonl");
    const state = openState(path);
    expect(state.rooms).toBeUndefined();
    state.write([{ e: "room", room: "QUIZ", secret: "pw" }]);
    expect(modeOf(path)).toBe(0o600);
  });

  test("rewrites the file readable and writable by its owner only", () => {
    const path = join(dir, "old.jsonl");
    writeFileSync(path, `${JSON.stringify({ e: "room", room: "QUIZ", secret: "pw" })}\n`, { mode: 0o644 });
    // A temporary file left by a crash mid-compaction, with a mode others can read.
    writeFileSync(`${path}.tmp`, "", { mode: 0o644 });
    chmodSync(path, 0o644);
    const state = openState(path);
    state.compact(state.rooms?.values() ?? []);
    expect(modeOf(path)).toBe(0o600);
    expect(openState(path).rooms?.get("QUIZ")?.secret).toBe("pw");
  });

  test("reports each bad line on one line of standard error and resumes the rest", () => {
    const path = join(dir, "bad.jsonl");
    writeFileSync(
      path,
      'null\n{"e":"room","room":"QUIZ","secret":"pw"}\n{"e":"player","room":"QUIZ"}\n{"e":"ro',
    );
    const state = openState(path);
    expect(state.rooms?.has("QUIZ")).toBe(true);
    expect(errors.mock.calls).toEqual([
      [`${path}: line 1: not a journal entry (skipped)`],
      [`${path}: line 3: a "player" entry needs id, name, token, plain (skipped)`],
    ]);
  });
});
