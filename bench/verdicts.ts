/** The buzzer's plain-text replies as the bench checks them. */

/** The round's first buzz. */
export const FIRST = "first place!";
/** Every later buzz: the gap to the first, to the hundredth of a second. */
export const SLOWER = /^response time: \d+\.\d\d seconds slower!$/;
/** A message refused by the rate limit, in plain text (JSON clients get the code RATE_LIMITED). */
export const RATE_LIMITED = "error: slow down";
/** A plain-text join refused by the per-address join limit. */
export const JOIN_REFUSED = "too many players joined from your address";

/** Whether a reply is a verdict: first place or a gap. */
export function isVerdict(text: string): boolean {
  return text === FIRST || SLOWER.test(text);
}
