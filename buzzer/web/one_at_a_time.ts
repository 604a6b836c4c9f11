/**
 * One question to the server at a time, asked again when what it asks about changed meanwhile: the
 * host console's search. Pure bookkeeping; the page sends and shows.
 */

/** What to do with an answer: show it (it is for what is asked now), and whether to ask again. */
export interface Answered {
  show: boolean;
  again: boolean;
}

/** The question out, if any, and whether a newer one waits for its answer. */
export class OneAtATime {
  private out: string | null = null;
  private stale = false;

  /** Whether to send a question now: false while another is out (it is asked once that is answered). */
  ask(): boolean {
    if (this.out !== null) {
      this.stale = true;
      return false;
    }
    return true;
  }

  /** The question went out. */
  sent(question: string): void {
    this.out = question;
  }

  /** An answer to `question` came, while `current` is what is asked now ("" for nothing). */
  answered(question: string, current: string): Answered {
    if (question !== this.out) return { show: false, again: false };
    this.out = null;
    const again = (this.stale || question !== current) && current !== "";
    this.stale = false;
    return { show: question === current, again };
  }

  /**
   * The question out will not be answered: the connection dropped, or the server refused a command
   * (it does not say which: a refusal while Redis is away, or for the host's rate). The next change
   * asks again, rather than the search stopping for good.
   */
  forget(): void {
    this.out = null;
    this.stale = false;
  }
}
