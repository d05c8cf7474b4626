/** The meetings slice's part of the annual evaluation: meeting attendance over the period. */
import { partFromRate, type EvaluationPart } from '../evaluation/api.ts';
import { attendanceRate } from './store.ts';

/** Meeting attendance of each unit (share of expected attendances; units with no meeting held left out). */
export const attendancePart: EvaluationPart = partFromRate('attendance', 'evaluation.part.attendance', async (db, unitId, period) => (await attendanceRate(db, unitId, period.from, period.to)).rate);
