/**
 * The host console's plain words and checks, without the page: a player's link rated good, fair
 * or poor, what a host may type for points and names, and what removing offline players asks.
 */
import { LIMITS, type PlayerView } from "../protocol.ts";

/** A player's link in plain words: how a buzz from there compares, from round trip and jitter. */
export type Quality = "good" | "fair" | "poor" | "unknown";

/** Rates a link: under 100 ms round trip and 20 ms jitter is good, under 300 and 60 fair. */
export function quality(rtt: number | undefined, jitter: number | undefined): Quality {
  if (rtt === undefined) return "unknown";
  const spread = jitter ?? 0;
  if (rtt < 100 && spread < 20) return "good";
  if (rtt < 300 && spread < 60) return "fair";
  return "poor";
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** The dot's tooltip: the rating and the numbers behind it. */
export function qualityTitle(p: Pick<PlayerView, "connected" | "rtt" | "jitter">): string {
  if (!p.connected) return "offline";
  const rated = quality(p.rtt, p.jitter);
  if (rated === "unknown" || p.rtt === undefined) return "connected, link not measured yet";
  const jitter = p.jitter === undefined ? "" : `, jitter ${ms(p.jitter)}`;
  return `${rated} connection: round trip ${ms(p.rtt)}${jitter}`;
}

/** Checks a points value typed by the host: a whole number, not zero, within LIMITS.points. */
export function pointsProblem(value: string): string {
  const n = Number(value);
  if (value === "" || !Number.isInteger(n) || n === 0 || Math.abs(n) > LIMITS.points)
    return `Points: a whole number from -${LIMITS.points} to ${LIMITS.points}, not 0.`;
  return "";
}

/** Checks a name typed by the host (the server checks it again). */
export function nameProblem(value: string): string {
  return value.length < 1 || value.length > LIMITS.name ? `A name is 1 to ${LIMITS.name} characters.` : "";
}

/**
 * What "Remove offline players" asks: how many (at least that many when the list shown is cut),
 * and that their points stay on the leaderboard, in the right number.
 */
export function pruneQuestion(offline: number, more: boolean): { title: string; message: string } {
  const one = offline === 1 && !more;
  const count = `${more ? "at least " : ""}${offline} offline player${offline === 1 ? "" : "s"}`;
  return {
    title: `Remove ${count}?`,
    message: `Their points stay on the leaderboard. ${one ? "They can join again as a new player." : "They can join again as new players."}`,
  };
}
