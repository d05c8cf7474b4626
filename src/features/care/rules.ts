/** The care slice's pure rules: who counts as a 流动党员 (away) when exempted. */

/** Words of a reason that make the member a 流动党员 (away) even without a contact. */
const AWAY_WORDS = /外出|务工|流动|在外|away/i;

/** True when an exemption is for a 流动党员: a contact is named, or the reason says they are away. */
export function isAway(reason: string, hasContact: boolean): boolean {
  return hasContact || AWAY_WORDS.test(reason);
}
