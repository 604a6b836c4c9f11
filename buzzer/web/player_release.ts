/**
 * The player page's armed round: the countdown to its release on this page's own clock, and
 * whether the release has passed (GO shows then, before the server's open arrives).
 */
import type { Phase } from "../protocol.ts";
import { countdown } from "./ui.ts";

/** One round's release at a time: a newer one replaces it, an older one is ignored. */
export class Release {
  private release: { round: number; passed: boolean } | null = null;
  private stopCountdown: () => void = () => {};

  /** `show` gets the seconds left while the countdown runs, and null once it has run out. */
  constructor(private readonly show: (seconds: number | null) => void) {}

  /** Counts down to `at` (a performance.now() time) for `round`, unless the page is past that round. */
  start(round: number, at: number, current: number | undefined): void {
    this.stopCountdown();
    if (current !== undefined && round < current) return;
    this.release = { round, passed: false };
    this.stopCountdown = countdown(
      at,
      (seconds) => this.show(seconds),
      () => {
        if (this.release?.round === round) this.release.passed = true;
        this.show(null);
      },
    );
  }

  /** Whether `round` has a release on this page, counting or passed. */
  has(round: number): boolean {
    return this.release?.round === round;
  }

  /** Whether `round`'s release has passed on this page's clock. */
  passed(round: number): boolean {
    return this.release?.round === round && this.release.passed;
  }

  /** The round is no longer armed: the countdown stops; a passed release is kept only while its round is open. */
  settle(round: number, phase: Phase): void {
    this.stopCountdown();
    if (this.release?.round !== round || phase === "locked") this.release = null;
  }

  /** Forgets the release (a new round, or a server that forgot this player). */
  clear(): void {
    this.release = null;
    this.stopCountdown();
  }
}
