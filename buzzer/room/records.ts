/** The fairness log: one record per placed press, kept in memory (bounded) and formatted for download. */

import { csv } from "../../lib/csv.ts";
import type { Bound } from "../fair.ts";
import type { LogFormat } from "../protocol.ts";

/** One fairness-log line: how a press was placed, from arrival to verdict. */
export interface FairnessRecord {
  room: string;
  round: number;
  player: string;
  name: string;
  arrival: number;
  claimed: number | null;
  mapped: number | null;
  press: number;
  offset: number | null;
  rtt: number | null;
  /** The link's 90th-percentile round trip, which its allowance is made of (see fair.ts uplinkAllowance). */
  rttHigh: number | null;
  jitter: number | null;
  uncertainty: number;
  bound: Bound;
  /** How much earlier than arrival the press was allowed to be, in ms. */
  allowance: number;
  place: number;
  gap: number;
  photo: boolean;
}

/** What the gateway measured and decided about a press, carried until the press is placed. */
export type Claim = Omit<FairnessRecord, "room" | "round" | "name" | "place" | "gap" | "photo">;

/**
 * The record of a placed press: what the gateway measured of it (its claim) and where it was placed.
 * Written out field by field: one is made for every buzz of a burst.
 */
export function recordOf(
  claim: Claim,
  room: string,
  round: number,
  name: string,
  placed: { press: number; uncertainty: number; place: number; gap: number; photo: boolean },
): FairnessRecord {
  return {
    room,
    round,
    player: claim.player,
    name,
    arrival: claim.arrival,
    claimed: claim.claimed,
    mapped: claim.mapped,
    press: placed.press,
    offset: claim.offset,
    rtt: claim.rtt,
    rttHigh: claim.rttHigh,
    jitter: claim.jitter,
    uncertainty: placed.uncertainty,
    bound: claim.bound,
    allowance: claim.allowance,
    place: placed.place,
    gap: placed.gap,
    photo: placed.photo,
  };
}

/** Fairness records a room keeps in memory for download (every one goes to --fairness-log). */
const RECORDS_KEPT = 10_000;

/** Adds a record, dropping the oldest half-batch once a long game holds twice the limit. */
export function keep(records: FairnessRecord[], record: FairnessRecord): void {
  records.push(record);
  // Trimmed in batches, so a long game costs one splice per RECORDS_KEPT records, not one per record.
  if (records.length > 2 * RECORDS_KEPT) records.splice(0, records.length - RECORDS_KEPT);
}

/** Column order of the fairness log's CSV form. */
const CSV_COLUMNS: (keyof FairnessRecord)[] = [
  "room",
  "round",
  "player",
  "name",
  "arrival",
  "claimed",
  "mapped",
  "press",
  "offset",
  "rtt",
  "rttHigh",
  "jitter",
  "uncertainty",
  "bound",
  "allowance",
  "place",
  "gap",
  "photo",
];

/** Formats fairness records as JSON lines or CSV. */
export function formatRecords(records: readonly FairnessRecord[], format: LogFormat): string {
  if (format === "jsonl") return records.map((r) => `${JSON.stringify(r)}\n`).join("");
  return csv([CSV_COLUMNS, ...records.map((r) => CSV_COLUMNS.map((c) => r[c]))]);
}
