import { describe, expect, test } from "bun:test";
import { checkRoom, encode, type Parsed, parseClient, parseServer } from "../../buzzer/parse.ts";
import { type ClientMessage, LIMITS, PLAIN_BUZZ, type ServerMessage } from "../../buzzer/protocol.ts";

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
      team: 24,
      marks: 4,
      teams: 20,
      points: 1000,
      timer: 600_000,
      bans: 1000,
      query: 128,
      awardId: 40,
    });
    expect(PLAIN_BUZZ).toBe("buzz");
  });

  describe("parseClient accepts", () => {
    test("a join with every field", () => {
      expect(
        parse({
          type: "join",
          name: "Ann",
          room: "abc",
          token: "tok",
          secret: "s3cret",
          watch: true,
          team: "Red",
        }),
      ).toStrictEqual({
        ok: true,
        msg: {
          type: "join",
          name: "Ann",
          room: "abc",
          token: "tok",
          secret: "s3cret",
          watch: true,
          team: "Red",
        },
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
        team: "t".repeat(96),
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

    test("an arm and a lock naming the round the host sees, from 1", () => {
      expect(parse({ type: "arm", round: 1 })).toStrictEqual({
        ok: true,
        msg: { type: "arm", countdown: undefined, round: 1 },
      });
      expect(parse({ type: "arm", countdown: 3000, round: 4 })).toStrictEqual({
        ok: true,
        msg: { type: "arm", countdown: 3000, round: 4 },
      });
      expect(parse({ type: "lock", round: 12 })).toStrictEqual({
        ok: true,
        msg: { type: "lock", round: 12 },
      });
    });

    test("a next and a reset naming the round they leave, from 1", () => {
      expect(parse({ type: "next", round: 1, countdown: 3000 })).toStrictEqual({
        ok: true,
        msg: { type: "next", countdown: 3000, round: 1 },
      });
      expect(parse({ type: "next", round: 1, unplayed: true })).toStrictEqual({
        ok: true,
        msg: { type: "next", countdown: undefined, round: 1, unplayed: true },
      });
      expect(parse({ type: "reset", round: 12 })).toStrictEqual({
        ok: true,
        msg: { type: "reset", round: 12 },
      });
    });

    test("a judge, an unjudge and a forgive naming the round the host sees, from 1", () => {
      expect(parse({ type: "judge", player: "p1", right: false, round: 3 })).toStrictEqual({
        ok: true,
        msg: { type: "judge", player: "p1", right: false, round: 3 },
      });
      for (const type of ["unjudge", "forgive"] as const) {
        expect(parse({ type, player: "p1", round: 1 })).toStrictEqual({
          ok: true,
          msg: { type, player: "p1", round: 1 },
        });
      }
    });

    test("an award with an id of up to 40 letters, digits, - or _, and one without", () => {
      const id = `${"a".repeat(36)}Z9-_`;
      expect(parse({ type: "award", player: "p1", points: -3, id })).toStrictEqual({
        ok: true,
        msg: { type: "award", player: "p1", points: -3, id },
      });
      expect(parse({ type: "award", player: "p1", points: 2 })).toStrictEqual({
        ok: true,
        msg: { type: "award", player: "p1", points: 2 },
      });
    });

    test("a kick with a player id up to 64 characters", () => {
      expect(parse({ type: "kick", player: "p1" })).toStrictEqual({
        ok: true,
        msg: { type: "kick", player: "p1", ban: undefined },
      });
      const player = "p".repeat(64);
      expect(parse({ type: "kick", player, ban: true })).toStrictEqual({
        ok: true,
        msg: { type: "kick", player, ban: true },
      });
    });

    test("an unjudge naming a player id up to 64 characters, dropping a verdict sent with it", () => {
      const player = "p".repeat(64);
      expect(parse({ type: "unjudge", player })).toStrictEqual({
        ok: true,
        msg: { type: "unjudge", player },
      });
      expect(parse({ type: "unjudge", player: "p1", right: true })).toStrictEqual({
        ok: true,
        msg: { type: "unjudge", player: "p1" },
      });
    });

    test("a find with a query up to 128 characters, empty or not, kept as sent", () => {
      for (const query of ["", " ann ", "#12", "q".repeat(LIMITS.query)])
        expect(parse({ type: "find", query })).toStrictEqual({ ok: true, msg: { type: "find", query } });
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

    test("a next or a reset whose round is not a whole number from 1", () => {
      for (const round of [0, -1, 1.5, "2", null]) {
        expect(parse({ type: "next", round })).toStrictEqual(
          badMessage("next.round must be a whole number from 1"),
        );
        expect(parse({ type: "reset", round })).toStrictEqual(
          badMessage("reset.round must be a whole number from 1"),
        );
      }
    });

    test("an arm or a lock whose round is not a whole number from 1", () => {
      for (const round of [0, -1, 1.5, "2", null]) {
        expect(parse({ type: "arm", round })).toStrictEqual(
          badMessage("arm.round must be a whole number from 1"),
        );
        expect(parse({ type: "arm", countdown: 3000, round })).toStrictEqual(
          badMessage("arm.round must be a whole number from 1"),
        );
        expect(parse({ type: "lock", round })).toStrictEqual(
          badMessage("lock.round must be a whole number from 1"),
        );
      }
    });

    test("a next whose unplayed is not true or false", () => {
      expect(parse({ type: "next", round: 1, unplayed: 1 })).toStrictEqual(
        badMessage("next.unplayed must be true or false"),
      );
    });

    test("an award whose id is empty, too long, not a string or has other characters", () => {
      for (const id of ["", "a".repeat(41), 12, null, "a b", "a/b", "é"]) {
        expect(parse({ type: "award", player: "p1", points: 1, id })).toStrictEqual(
          badMessage("award.id must be 1 to 40 letters, digits, - or _"),
        );
      }
    });

    test("a judge, an unjudge or a forgive whose round is not a whole number from 1", () => {
      for (const round of [0, -1, 1.5, "2", null]) {
        for (const type of ["judge", "unjudge", "forgive"] as const) {
          expect(parse({ type, player: "p1", right: true, round })).toStrictEqual(
            badMessage(`${type}.round must be a whole number from 1`),
          );
        }
      }
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

    test("rules out of their ranges: a wrong answer or false start that gives points, a timer under a second", () => {
      expect(parse({ type: "rules", rules: { wrong: 3 } })).toStrictEqual(
        badMessage("rules.wrong must be a whole number from -1000 to 0"),
      );
      expect(parse({ type: "rules", rules: { falseStart: 5 } })).toStrictEqual(
        badMessage("rules.falseStart must be a whole number from -1000 to 0"),
      );
      expect(parse({ type: "rules", rules: { right: 1001 } })).toStrictEqual(
        badMessage("rules.right must be a whole number from -1000 to 1000"),
      );
      expect(parse({ type: "rules", rules: { autoLock: 1.5 } })).toStrictEqual(
        badMessage("rules.autoLock must be a whole number from 0 to 1000"),
      );
      const timer = badMessage(
        "rules.timer must be 0 (no timer) or a whole number of ms from 1000 to 600000",
      );
      for (const t of [1.5, 999, 600_001, -1, "6000"])
        expect(parse({ type: "rules", rules: { timer: t } })).toStrictEqual(timer);
      expect(parse({ type: "rules", rules: { timer: 0, wrong: 0, falseStart: -2, right: 3 } })).toStrictEqual(
        {
          ok: true,
          msg: { type: "rules", rules: { timer: 0, wrong: 0, falseStart: -2, right: 3 } },
        },
      );
      expect(parse({ type: "rules", rules: { timer: 1000 } })).toMatchObject({ ok: true });
    });

    test("a kick without a player id of at most 64 characters", () => {
      const result = badMessage("kick.player must be a player id");
      expect(parse({ type: "kick" })).toStrictEqual(result);
      expect(parse({ type: "kick", player: 7 })).toStrictEqual(result);
      expect(parse({ type: "kick", player: null })).toStrictEqual(result);
      expect(parse({ type: "kick", player: "p".repeat(65) })).toStrictEqual(result);
    });

    test("an unjudge without a player id of at most 64 characters", () => {
      const result = badMessage("unjudge.player must be a player id");
      for (const player of [undefined, null, 7, "", "p".repeat(65)])
        expect(parse({ type: "unjudge", player })).toStrictEqual(result);
    });

    test("a find whose query is missing, not a string or longer than 128 characters", () => {
      const result = badMessage("find.query must be a string of at most 128 characters");
      for (const query of [undefined, null, 12, ["ann"], "q".repeat(LIMITS.query + 1)])
        expect(parse({ type: "find", query })).toStrictEqual(result);
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
