/**
 * The terminal client's countdown to an armed round's release: the whole seconds still ahead, then
 * GO! at the release time, kept in step with the room's states.
 */
import type { RoomView } from "./protocol.ts";

/** Counts an armed round down on the terminal, once per round. */
export class Countdown {
  private running: { round: number; timers: ReturnType<typeof setTimeout>[] } | null = null;
  /** The last round whose GO! was shown, so a late state does not count down again. */
  private released = 0;

  /** `say` prints a line; `goLine` is the GO! line, coloured as the terminal allows. */
  constructor(
    private readonly say: (line: string) => void,
    private readonly goLine: string,
  ) {}

  /** Counts down `ms` to a round's release (a second time for the same round, nothing). */
  start(round: number, ms: number): void {
    if (round === this.released) return;
    this.stop();
    const timers: ReturnType<typeof setTimeout>[] = [];
    for (let k = Math.ceil(ms / 1000) - 1; k >= 1; k--) {
      timers.push(setTimeout(() => this.say(`${k}…`), ms - k * 1000));
    }
    timers.push(setTimeout(() => this.go(round), Math.max(0, ms)));
    this.running = { round, timers };
  }

  /** Follows a new state of the room: a lock or a new round stops it, an open round says GO! now. */
  follow(view: RoomView): void {
    const running = this.running;
    if (running && (running.round !== view.round || view.phase === "locked")) this.stop();
    // The server opened before our own timer fired (our clock runs behind): GO now.
    else if (running && view.phase === "open") this.go(running.round);
    // Joined or resumed during a countdown: no release came, so count down from the state.
    else if (!running && view.phase === "armed" && view.countdown !== undefined) {
      this.start(view.round, view.countdown);
    }
  }

  /** Stops the timers (on a lock, a new round, or quitting). */
  stop(): void {
    for (const timer of this.running?.timers ?? []) clearTimeout(timer);
    this.running = null;
  }

  private go(round: number): void {
    this.stop();
    this.released = round;
    this.say(this.goLine);
  }
}
