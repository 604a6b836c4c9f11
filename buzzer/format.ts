/**
 * How gaps, places, rounds, links and the host's marks read, in one place for the server's log, the wire's
 * `text`, the terminal client and the web pages, so that one press never shows two different numbers.
 * Pure: no Bun, no DOM.
 */
import type { FalseStart, Phase } from "./protocol.ts";

/** A gap of `ms` milliseconds as the seconds sent on the wire: whole milliseconds, the one rounding before display. */
export function gapSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** Seconds behind the winner as shown everywhere: hundredths, rounded half-up, e.g. "0.24". */
export function formatGap(seconds: number): string {
  // Whole milliseconds first, as on the wire, so a raw 0.72499 s and its wire form 0.725 s read the
  // same. Twelve significant digits drop the binary noise of the product (1.0045 * 1000 is
  // 1004.4999999999999) and nothing a clock can measure.
  const x = seconds * 1000;
  // A gap off the wire (whole ms) is within noise of its integer: the slow path below is for raw ones.
  const whole = Math.round(x);
  const ms = Math.abs(x - whole) < 1e-6 ? whole : Math.round(Number(x.toPrecision(12)));
  // An integer over 10 is exact at the halves (23.5), so Math.round is a true half-up here.
  const hundredths = Math.round(ms / 10);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
}

/** Verdict texts already written, by gap in seconds: a burst's thousands of verdicts share a few dozen. */
const slower = new Map<number, string>();
/** The most texts kept: enough for every hundredth of the first 10 s, far more than a round needs. */
const SLOWER_KEPT = 1000;

/** The original's reply for a place: `first place!` or `response time: 1.23 seconds slower!`. */
export function verdictText(place: number, seconds: number): string {
  if (place === 1) return "first place!";
  let text = slower.get(seconds);
  if (text === undefined) {
    text = `response time: ${formatGap(seconds)} seconds slower!`;
    if (slower.size >= SLOWER_KEPT) slower.clear();
    slower.set(seconds, text);
  }
  return text;
}

/** One line of a round's order: `1. Alice`, `2. Bob +0.24s`, with ` (photo finish)` when flagged. */
export function placeLine(place: number, name: string, seconds: number, photo: boolean): string {
  return `${place}. ${name}${place > 1 ? ` +${formatGap(seconds)}s` : ""}${photo ? " (photo finish)" : ""}`;
}

/** A round's phase as the server's log and the terminal client write it: `Round 2: armed, opens in 3.0s`. */
export function roundText(round: number, phase: Phase, opensIn: number | null): string {
  return `Round ${round}: ${phase}${opensIn !== null ? `, opens in ${(opensIn / 1000).toFixed(1)}s` : ""}`;
}

/** A round trip or jitter for people: a tenth under 10 ms (`2.1 ms`), whole ms above (`23 ms`). */
export function formatMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** The host's mark of an answer, the sign and the word: `✓ right` or `✗ wrong`. */
export function markText(mark: "right" | "wrong"): string {
  return mark === "right" ? "✓ right" : "✗ wrong";
}

/** What a lockout was, in two words: `false start` (too early) or `too late` (after the round had closed). */
export function lockoutWords(when: FalseStart): string {
  return when === "late" ? "too late" : "false start";
}

/**
 * Why a false start locked a player out, as its FALSE_START refusal says it and as a page or the
 * terminal says it again from a snapshot (after a reload): the same words either way.
 */
export function falseStartText(when: FalseStart): string {
  return when === "late"
    ? "too late: the round had closed, so you are locked out of it"
    : "too early: you are locked out of this round";
}

/** Why a player plays under a numbered name: `Someone in room MAIN is already called Ann, so you are Ann (2)`. */
export function takenText(taken: string, name: string, room: string): string {
  return `Someone in room ${room} is already called ${taken}, so you are ${name}`;
}

/**
 * Why a player did not come back as the player away whose name it gave: `Ann is away, but others
 * in room MAIN share your network, so you are Ann (2) without Ann's points: if you are Ann, ask the
 * host to give them back`.
 */
export function awayText(away: string, name: string, room: string): string {
  return `${away} is away, but others in room ${room} share your network, so you are ${name} without ${away}'s points: if you are ${away}, ask the host to give them back`;
}

/** Points with their sign, as the server's log writes them: `+2`, `-1`, `0`. */
export function signed(points: number): string {
  return points > 0 ? `+${points}` : `${points}`;
}
