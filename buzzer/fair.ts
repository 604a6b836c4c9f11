/**
 * Fair ordering, pure: turn a player's claimed press time into a press time the server can
 * defend, and decide how long to wait before an order is final. Time is passed in (server ms).
 */

/** What the server has measured of a player's link, in ms: lowest and 90th-percentile round trip, jitter. */
export interface Link {
  rtt: number;
  high: number;
  jitter: number;
}

/** Extra slack on every bound, in ms: covers timer and event-loop noise on either side. */
export const MARGIN = 2;

/** How a claimed press time was treated. */
export type Bound = "none" | "late" | "early" | "estimated";

/** A press time bounded by what the server observed. */
export interface BoundedPress {
  /** The press time used for ordering, on the server's clock. */
  press: number;
  /** Earliest press the player's link allows: arrival minus its uplink allowance. */
  lower: number;
  /** How far `press` may be off the true press, in ms; never more than the max compensation. */
  uncertainty: number;
  bound: Bound;
}

/**
 * Default cap on any player's compensation, in ms. It covers the 90th-percentile round trip of a
 * poor mobile or intercontinental link (about 200 ms) with room to spare, and keeps what a forged
 * early claim can gain, and how long an order waits for a slow link, under a human simple reaction
 * time (about 250 ms). A player slower than that is compensated in part.
 */
export const MAX_COMPENSATION = 250;

/**
 * The longest a buzz can have spent on its way to us, capped at `maxCompensation`: a one-way trip
 * takes no longer than a round trip, and the 90th-percentile round trip covers the link's ordinary jitter.
 */
export function uplinkAllowance(
  link: Link | null,
  margin = MARGIN,
  maxCompensation = MAX_COMPENSATION,
): number {
  return link ? Math.min(link.high + margin, maxCompensation) : 0;
}

/**
 * Bounds a press: never later than its arrival, never earlier than arrival minus the player's
 * uplink allowance, so a forged early claim gains at most that allowance (and never more than
 * `maxCompensation`). Without a usable claim (the original's plain-text clients, or a time that is
 * not finite) the press is estimated as arrival minus half the round trip, within the same bounds.
 */
export function boundPress(
  arrival: number,
  claimed: number | null,
  link: Link | null,
  margin = MARGIN,
  maxCompensation = MAX_COMPENSATION,
): BoundedPress {
  const lower = arrival - uplinkAllowance(link, margin, maxCompensation);
  // Capped like the allowance: round.ts gives a press this much benefit of the doubt at a release.
  const uncertainty = Math.min(link ? link.rtt / 2 + link.jitter + margin : margin, maxCompensation);
  if (claimed === null || !Number.isFinite(claimed)) {
    const press = Math.max(lower, arrival - (link ? link.rtt / 2 : 0));
    return { press, lower, uncertainty, bound: "estimated" };
  }
  if (claimed > arrival) return { press: arrival, lower, uncertainty, bound: "late" };
  if (claimed < lower) return { press: lower, lower, uncertainty, bound: "early" };
  return { press: claimed, lower, uncertainty, bound: "none" };
}

/**
 * The decision window's reach: the largest uplink allowance among players who could still buzz,
 * capped by max-wait. A press is final once no such player's press could still come in before it.
 */
export function windowReach(
  links: Iterable<Link | null>,
  maxWait: number,
  margin = MARGIN,
  maxCompensation = MAX_COMPENSATION,
): number {
  let reach = 0;
  for (const link of links) reach = Math.max(reach, uplinkAllowance(link, margin, maxCompensation));
  return Math.min(reach, maxWait);
}
