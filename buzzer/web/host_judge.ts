/**
 * The host console's right and wrong buttons on an answer, and the undo beside a marked one,
 * wherever the answer shows (the order, a search's results), and the marks and undos this console
 * sent this round: one set for the whole console, so an answer marked (or undone) in one place is
 * shown so in the other before the server says so.
 */
import type { ClientMessage } from "../protocol.ts";
import { DOUBLE_ACTION_MS } from "./host_checks.ts";
import { h } from "./ui.ts";

type Verdict = "right" | "wrong";

/** What the buttons need of an answer: whose it is, the name to say, and the server's mark. */
export interface JudgedAnswer {
  id: string;
  name: string;
  judged?: Verdict;
}

/** Right, wrong and undo on one answer, and how to show a newer view of it. */
export interface JudgeButtons {
  el: HTMLSpanElement;
  update: (a: JudgedAnswer) => void;
}

function judgeButton(text: string, className: string): HTMLButtonElement {
  const b = h("button", `small ${className}`, text);
  b.type = "button";
  return b;
}

/** The marks and undos a console sent in the current round, and the buttons that send them. */
export class Judging {
  private round = -1;
  /**
   * Player id → the verdict this console sent this round (null: an undo), shown until the server's
   * view says it: a second click before that would only be refused.
   */
  private readonly sent = new Map<string, Verdict | null>();

  constructor(private readonly send: (msg: ClientMessage) => boolean) {}

  /** Notes the round shown: a new one forgets the verdicts sent in the one before. */
  showRound(round: number): void {
    if (round === this.round) return;
    this.round = round;
    this.sent.clear();
  }

  /**
   * Forgets the marks and undos on their way: the room refused them (it has left the round shown),
   * so the answers show what the server last said until its view of the new round arrives.
   */
  refused(): void {
    this.sent.clear();
  }

  /**
   * The round shown, as an action on one of its answers names it: a click that reaches the server
   * after the next question began is refused (ROUND_OVER), not done to the new round's answer.
   */
  inRound(): { round?: number } {
    return this.round < 1 ? {} : { round: this.round };
  }

  /**
   * Right and wrong buttons for an answer, and an undo shown once it is marked; `mark` is the
   * element whose `data-judged` shows the verdict.
   */
  buttons(mark: HTMLElement, first: JudgedAnswer): JudgeButtons {
    const right = judgeButton("✓", "go");
    const wrong = judgeButton("✗", "danger");
    const undo = judgeButton("Undo", "undo");
    const el = h("span", "judge");
    el.append(right, wrong, undo);
    let answer = first;
    const update = (a: JudgedAnswer) => {
      answer = a;
      for (const [b, label] of [
        [right, `Right: ${a.name}`],
        [wrong, `Wrong: ${a.name}`],
        [undo, `Undo mark: ${a.name}`],
      ] as const) {
        b.setAttribute("aria-label", label);
        b.title = label;
      }
      const verdict = this.shown(a);
      if (verdict) mark.dataset.judged = verdict;
      else delete mark.dataset.judged;
      right.disabled = wrong.disabled = verdict !== undefined;
      right.setAttribute("aria-pressed", String(verdict === "right"));
      wrong.setAttribute("aria-pressed", String(verdict === "wrong"));
      // Kept in its place while unused, so a mark does not move the buttons under the pointer.
      undo.classList.toggle("unused", verdict === undefined);
    };
    /** The button a mark or undo moved the keyboard to, and when: Enter pressed twice lands there. */
    let moved: { to: HTMLButtonElement | null; at: number } = { to: null, at: Number.NEGATIVE_INFINITY };
    /** Sends a mark or an undo, shows it at once, and keeps the keyboard on the button that takes it back. */
    const act = (verdict: Verdict | null, next: HTMLButtonElement, e: MouseEvent) => {
      // A mark needs an unmarked answer, an undo a marked one: anything else would only be refused.
      if ((this.shown(answer) !== undefined) !== (verdict === null)) return;
      // A key's click (detail 0) on the button the last one moved the keyboard to, at once, is that
      // key pressed twice: it would take back what it just did. (A mouse's second click lands on the
      // button it clicked, which the mark disabled: the undo keeps its place.)
      const now = performance.now();
      if (e.detail === 0 && e.currentTarget === moved.to && now - moved.at < DOUBLE_ACTION_MS) return;
      const msg: ClientMessage =
        verdict === null
          ? { type: "unjudge", player: answer.id, ...this.inRound() }
          : { type: "judge", player: answer.id, right: verdict === "right", ...this.inRound() };
      if (!this.send(msg)) return;
      this.sent.set(answer.id, verdict);
      const focused = el.contains(document.activeElement);
      update(answer);
      if (!focused) return;
      next.focus();
      moved = { to: next, at: now };
    };
    right.addEventListener("click", (e) => act("right", undo, e));
    wrong.addEventListener("click", (e) => act("wrong", undo, e));
    undo.addEventListener("click", (e) => act(null, right, e));
    update(first);
    return { el, update };
  }

  /**
   * The mark an answer shows: the server's, except while this console's own mark or undo is on its
   * way; once the server's view has a mark (or, after an undo, none), it says the rest.
   */
  private shown(a: JudgedAnswer): Verdict | undefined {
    const pending = this.sent.get(a.id);
    if (pending === undefined) return a.judged;
    if ((pending === null) === (a.judged === undefined)) {
      this.sent.delete(a.id);
      return a.judged;
    }
    return pending ?? undefined;
  }
}
