/**
 * Player and team names: what a name may be (checkName, checkTeam) and how two are compared (nameKey), so that
 * invisible characters, bidi overrides and look-alike widths can neither hide a name nor copy one.
 */

import type { Parsed } from "./parse.ts";
import { LIMITS } from "./protocol.ts";

/**
 * Characters that show nothing: format controls (zero-width, bidi overrides), default-ignorables
 * (Hangul fillers, variation selectors, tags), lone surrogates and the blank braille pattern.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\u2800]/u;
const INVISIBLES = new RegExp(INVISIBLE.source, "gu");
/** Joiners are invisible but join what is around them: emoji sequences, Persian and Indic words. */
const JOINER = /[\u200c\u200d]/u;
/** Variation selectors are invisible but choose how the character before them looks (emoji or text). */
const SELECTOR = /[\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
const SPACES = /\s+/gu;
/** More combining marks in a row than one character may carry (marks a hidden character split count as one run). */
const STACKED = new RegExp(`\\p{M}{${LIMITS.marks + 1}}`, "u");

/** Drops invisible characters, but keeps a joiner between two visible ones and a selector after one. */
function visibleOnly(text: string): string {
  const chars = [...text];
  const kept: string[] = [];
  const visible = (c: string | undefined) => c !== undefined && !INVISIBLE.test(c) && !/\s/u.test(c);
  chars.forEach((c, i) => {
    const before = kept.at(-1);
    if (
      !INVISIBLE.test(c) ||
      (SELECTOR.test(c) && visible(before)) ||
      (JOINER.test(c) && (visible(before) || SELECTOR.test(before ?? "")) && visible(chars[i + 1]))
    ) {
      kept.push(c);
    }
  });
  return kept.join("");
}

/**
 * Checks a player name: invisible characters dropped, whitespace collapsed to single spaces and
 * trimmed, NFC-normalized; 1 to LIMITS.name characters, no control characters, at most LIMITS.marks
 * combining marks on one character.
 */
export function checkName(raw: string): Parsed<string> {
  return checkText(raw, "name", LIMITS.name, "BAD_NAME");
}

/** Checks a team name by the rules names follow: 1 to LIMITS.team characters. */
export function checkTeam(raw: string): Parsed<string> {
  return checkText(raw, "team", LIMITS.team, "BAD_TEAM");
}

function checkText(raw: string, what: string, max: number, code: "BAD_NAME" | "BAD_TEAM"): Parsed<string> {
  const visible = visibleOnly(raw).trim();
  if (/\p{Cc}/u.test(visible))
    return { ok: false, code, message: `${what} must not contain control characters` };
  const text = visible.replace(SPACES, " ").normalize("NFC");
  if (!text) return { ok: false, code, message: `${what} must not be empty` };
  if (STACKED.test(text))
    return {
      ok: false,
      code,
      message: `${what} must not stack more than ${LIMITS.marks} marks on one character`,
    };
  if ([...text].length > max)
    return { ok: false, code, message: `${what} must be at most ${max} characters` };
  return { ok: true, msg: text };
}

/**
 * The form names are compared in, so look-alikes count as the same name: NFKC (fullwidth letters
 * become plain ones), case-folded, invisible characters removed and any whitespace one space.
 */
export function nameKey(name: string): string {
  // Upper then lower case folds what lower case alone does not ("ß" and "SS", final and other sigma);
  // NFKC runs again because case mapping can undo it, and invisibles go again because NFKC can make
  // one (the halfwidth Hangul filler becomes the jungseong filler).
  const folded = name.replace(INVISIBLES, "").normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC");
  return folded.replace(INVISIBLES, "").replace(SPACES, " ").trim();
}
