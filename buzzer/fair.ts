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
  /** How far `press` may be off the true press, in ms. */
  uncertainty: number;
  bound: Bound;
}

/**
 * The longest a buzz can have spent on its way to us: a one-way trip takes no longer than a
 * round trip, and the 90th-percentile round trip covers the link's ordinary jitter.
 */
export function uplinkAllowance(link: Link | null, margin = MARGIN): number {
  return link ? link.high + margin : 0;
}

/**
 * Bounds a press: never later than its arrival, never earlier than arrival minus the player's
 * uplink allowance. A forged early claim therefore gains at most that allowance. Without a claim
 * (the original's plain-text clients) the press is estimated as arrival minus half the round trip.
 */
export function boundPress(
  arrival: number,
  claimed: number | null,
  link: Link | null,
  margin = MARGIN,
): BoundedPress {
  const lower = arrival - uplinkAllowance(link, margin);
  const uncertainty = link ? link.rtt / 2 + link.jitter + margin : margin;
  if (claimed === null) {
    return { press: arrival - (link ? link.rtt / 2 : 0), lower, uncertainty, bound: "estimated" };
  }
  if (claimed > arrival) return { press: arrival, lower, uncertainty, bound: "late" };
  if (claimed < lower) return { press: lower, lower, uncertainty, bound: "early" };
  return { press: claimed, lower, uncertainty, bound: "none" };
}

/**
 * The decision window's reach: the largest uplink allowance among players who could still buzz,
 * capped by max-wait. A press is final once no such player's press could still come in before it.
 */
export function windowReach(links: Iterable<Link | null>, maxWait: number, margin = MARGIN): number {
  let reach = 0;
  for (const link of links) reach = Math.max(reach, uplinkAllowance(link, margin));
  return Math.min(reach, maxWait);
}
