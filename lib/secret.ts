import { createHash, timingSafeEqual } from "node:crypto";

/** Compares secrets in constant time (by their digests), so timing reveals nothing of the secret. */
export function sameSecret(given: string, secret: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(secret));
}
