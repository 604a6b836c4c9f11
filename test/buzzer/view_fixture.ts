/** A room as a client keeps it, for the unit tests of what clients do with their view. */
import type { RoomView } from "../../buzzer/protocol.ts";

/** Round 3 of room QUIZ, open and hosted, two players and nothing placed or scored; `over` changes any of it. */
export function roomView(over: Partial<RoomView> = {}): RoomView {
  return {
    room: "QUIZ",
    version: 7,
    round: 3,
    phase: "open",
    players: [],
    playerCount: 2,
    scoreCount: 2,
    order: [],
    hosted: true,
    scores: [],
    teams: [],
    ...over,
  };
}
