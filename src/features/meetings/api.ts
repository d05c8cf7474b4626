/**
 * What other slices may use of the meetings slice (eslint refuses imports of its other files):
 * meetings, their kinds and calendars, attendance, and the unit checks of meeting managers.
 */
export { requireManager, requireUnit } from './access.ts';
export { FREQUENCY_WORDS, findKind, loadMeetingKinds, setUnitFrequency, unitFrequencies, type Frequency, type MeetingKind } from './kinds.ts';
export { attendanceOf, getMeeting, rsvpsOf, skippedStarts, type MeetingInfo } from './store.ts';
export { yearKnown } from './holidays.ts';
export { heldAt, lastStart, startOnDate } from './calendar.ts';
export { when } from './render.ts';
export { skippedForHoliday } from './jobs.ts';
export { attendancePart } from './evaluation.ts';
