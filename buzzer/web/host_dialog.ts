/**
 * The host console's one modal dialog: it asks before anything that cannot be undone (kick, remove
 * offline players) and for a value (a new name, points). Being modal, it takes every click until
 * it closes, so a double click on a list cannot act on two rows.
 */
import { byId } from "./ui.ts";

/** What to ask: a title, a sentence, the confirm button's words, and optional field and ban box. */
export interface Ask {
  title: string;
  message: string;
  confirm: string;
  danger?: boolean;
  /** A value to enter, with its label, type and starting value; `check` says why it is refused. */
  field?: { label: string; type: "text" | "number"; value: string; check: (value: string) => string };
  /** Offer the "also ban" box. */
  ban?: boolean;
  /**
   * Acts on the answer before the dialog closes, resolving with the server's refusal in words (or
   * "" when done): a refusal shows in the dialog, where the host is looking, and the dialog stays.
   */
  act?: (answer: DialogAnswer) => Promise<string>;
}

/** The answer: the field's value (trimmed) and whether "also ban" was ticked; null if cancelled. */
export interface DialogAnswer {
  value: string;
  ban: boolean;
}

const ui = {
  dialog: byId<HTMLDialogElement>("dialog"),
  form: byId<HTMLFormElement>("dialog-form"),
  title: byId("dialog-title"),
  message: byId("dialog-message"),
  field: byId("dialog-field"),
  fieldLabel: byId("dialog-field-label"),
  input: byId<HTMLInputElement>("dialog-input"),
  ban: byId("dialog-ban"),
  banBox: byId<HTMLInputElement>("dialog-ban-box"),
  error: byId("dialog-error"),
  cancel: byId<HTMLButtonElement>("dialog-cancel"),
  confirm: byId<HTMLButtonElement>("dialog-confirm"),
};

let settle: ((answer: DialogAnswer | null) => void) | null = null;
let current: Ask | null = null;

function finish(answer: DialogAnswer | null): void {
  const done = settle;
  settle = null;
  current = null;
  ui.confirm.disabled = false;
  if (ui.dialog.open) ui.dialog.close();
  done?.(answer);
}

/** Shows the dialog and resolves with the answer; a dialog already open is cancelled first. */
export function ask(what: Ask): Promise<DialogAnswer | null> {
  finish(null);
  current = what;
  ui.title.textContent = what.title;
  ui.message.textContent = what.message;
  ui.confirm.textContent = what.confirm;
  ui.confirm.className = what.danger ? "danger" : "primary";
  ui.field.hidden = !what.field;
  ui.fieldLabel.textContent = what.field?.label ?? "";
  ui.input.type = what.field?.type ?? "text";
  ui.input.value = what.field?.value ?? "";
  ui.ban.hidden = !what.ban;
  ui.banBox.checked = false;
  ui.error.textContent = "";
  const answer = new Promise<DialogAnswer | null>((resolve) => {
    settle = resolve;
  });
  ui.dialog.showModal();
  if (what.field) {
    ui.input.focus();
    ui.input.select();
  } else {
    ui.cancel.focus();
  }
  return answer;
}

/** Whether the dialog is showing (the console's keys wait while it is). */
export function asking(): boolean {
  return ui.dialog.open;
}

/** Closes the dialog as cancelled (the console signed out or went offline). */
export function dismiss(): void {
  finish(null);
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!current) return;
  const value = ui.input.value.trim();
  const problem = current.field?.check(value) ?? "";
  if (problem) {
    ui.error.textContent = problem;
    ui.input.focus();
    return;
  }
  const answer = { value, ban: !ui.ban.hidden && ui.banBox.checked };
  const asked = current;
  if (!asked.act) return finish(answer);
  ui.error.textContent = "";
  ui.confirm.disabled = true;
  void asked.act(answer).then((refused) => {
    // Cancelled, or another question opened, while the server was asked: this answer is old.
    if (current !== asked) return;
    ui.confirm.disabled = false;
    if (!refused) return finish(answer);
    ui.error.textContent = refused;
    ui.input.focus();
  });
});
ui.cancel.addEventListener("click", () => finish(null));
// Escape closes a modal dialog by itself: that is a cancel too (unless another question opened since).
ui.dialog.addEventListener("close", () => {
  if (!ui.dialog.open) finish(null);
});
