import { createHash, timingSafeEqual } from "node:crypto";

/** Random hex digits (at most 32) from a random UUID: ids and secrets no one can guess or repeat. */
export function randomHex(digits = 32): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, digits);
}

/** Compares secrets in constant time (by their digests), so timing reveals nothing of the secret. */
export function sameSecret(given: string, secret: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(secret));
}
