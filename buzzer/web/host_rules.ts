/**
 * The host console's rules panel: each field sends its rule as soon as it changes, and shows the
 * room's rules from each state unless the host is typing in it.
 */
import { type ClientMessage, DEFAULT_RULES, RULE_RANGES, type Rules } from "../protocol.ts";

type Field = Exclude<keyof Rules, "teamFirst">;

/** Each number field's range (the server's), and how its value maps to the rule (the timer is typed in whole seconds). */
const FIELDS: Record<Field, { min: number; max: number; scale: number; words: string }> = {
  autoLock: { ...RULE_RANGES.autoLock, scale: 1, words: "Lock after" },
  timer: { min: RULE_RANGES.timer.min, max: RULE_RANGES.timer.max / 1000, scale: 1000, words: "Timer" },
  right: { ...RULE_RANGES.right, scale: 1, words: "Right" },
  wrong: { ...RULE_RANGES.wrong, scale: 1, words: "Wrong" },
  falseStart: { ...RULE_RANGES.falseStart, scale: 1, words: "False start" },
};

/** The rule a number field's text stands for, or a sentence saying what it must be. */
function readRule(field: Field, text: string): { value: number } | { problem: string } {
  const { min, max, scale, words } = FIELDS[field];
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min || n > max)
    return { problem: `${words}: a whole number from ${min} to ${max}.` };
  return { value: n * scale };
}

/** Wires the rules form; returns the function that shows a state's rules in it. */
export function rulesPanel(
  form: HTMLFormElement,
  note: HTMLElement,
  send: (msg: ClientMessage) => boolean,
): (rules: Rules | undefined) => void {
  const input = (name: keyof Rules) => form.elements.namedItem(name) as HTMLInputElement;
  for (const field of Object.keys(FIELDS) as Field[]) {
    // The ranges are the server's, written once (protocol.ts RULE_RANGES), not again in the page.
    input(field).min = String(FIELDS[field].min);
    input(field).max = String(FIELDS[field].max);
    input(field).addEventListener("change", () => {
      const read = readRule(field, input(field).value);
      if ("problem" in read) {
        note.textContent = read.problem;
        return;
      }
      note.textContent = "";
      send({ type: "rules", rules: { [field]: read.value } });
    });
  }
  const teamFirst = input("teamFirst");
  teamFirst.addEventListener("change", () =>
    send({ type: "rules", rules: { teamFirst: teamFirst.checked } }),
  );
  form.addEventListener("submit", (event) => event.preventDefault());

  return (rules = DEFAULT_RULES) => {
    for (const field of Object.keys(FIELDS) as Field[]) {
      const el = input(field);
      if (document.activeElement !== el) el.value = String(rules[field] / FIELDS[field].scale);
    }
    teamFirst.checked = rules.teamFirst;
  };
}
