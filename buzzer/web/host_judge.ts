/**
 * The host console's right and wrong buttons on an answer, wherever the answer shows (the order, a
 * search's results), and the verdicts this console sent this round: one set for the whole console,
 * so an answer marked in one place is shown marked in the other before the server says so.
 */
import type { ClientMessage } from "../protocol.ts";
import { h } from "./ui.ts";

type Verdict = "right" | "wrong";

/** What the buttons need of an answer: whose it is, the name to say, and the server's mark. */
export interface JudgedAnswer {
  id: string;
  name: string;
  judged?: Verdict;
}

/** A pair of buttons on one answer, and how to show a newer view of it. */
export interface JudgeButtons {
  el: HTMLSpanElement;
  update: (a: JudgedAnswer) => void;
}

function judgeButton(text: string, className: string): HTMLButtonElement {
  const b = h("button", `small ${className}`, text);
  b.type = "button";
  return b;
}

/** The verdicts a console sent in the current round, and the buttons that send them. */
export class Judging {
  private round = -1;
  /**
   * Player id → the verdict this console sent this round, shown until the server's view says it:
   * a second click before that would only be refused.
   */
  private readonly sent = new Map<string, Verdict>();

  constructor(private readonly send: (msg: ClientMessage) => boolean) {}

  /** Notes the round shown: a new one forgets the verdicts sent in the one before. */
  showRound(round: number): void {
    if (round === this.round) return;
    this.round = round;
    this.sent.clear();
  }

  /** Right and wrong buttons for an answer; `mark` is the element whose `data-judged` shows the verdict. */
  buttons(mark: HTMLElement, first: JudgedAnswer): JudgeButtons {
    const right = judgeButton("✓", "go");
    const wrong = judgeButton("✗", "danger");
    const el = h("span", "judge");
    el.append(right, wrong);
    let answer = first;
    const update = (a: JudgedAnswer) => {
      answer = a;
      for (const [b, label] of [
        [right, `Right: ${a.name}`],
        [wrong, `Wrong: ${a.name}`],
      ] as const) {
        b.setAttribute("aria-label", label);
        b.title = label;
      }
      // The server's mark wins: it is there after a reload and in every tab of the console.
      const verdict = a.judged ?? this.sent.get(a.id);
      if (verdict) mark.dataset.judged = verdict;
      else delete mark.dataset.judged;
      right.disabled = wrong.disabled = verdict !== undefined;
      right.setAttribute("aria-pressed", String(verdict === "right"));
      wrong.setAttribute("aria-pressed", String(verdict === "wrong"));
    };
    const decide = (verdict: Verdict) => {
      if (answer.judged || this.sent.has(answer.id)) return;
      if (!this.send({ type: "judge", player: answer.id, right: verdict === "right" })) return;
      this.sent.set(answer.id, verdict);
      update(answer);
    };
    right.addEventListener("click", () => decide("right"));
    wrong.addEventListener("click", () => decide("wrong"));
    update(first);
    return { el, update };
  }
}
