/** The 台账's 民主评议党员 line (a yearly item, 条例第十七条): held (with decisions), in progress or not held. */
import type { BaseContext } from '../../bot/context.ts';
import { decisionsOf, reviewOf, subjectsOf } from './store.ts';

/** The 台账 line of a unit's review of `year`. */
export async function reviewLedgerLine(env: Pick<BaseContext, 'db' | 't'>, unitId: number, year: number): Promise<string> {
  const review = await reviewOf(env.db, unitId, year);
  if (!review) return env.t('review.ledger.line', { status: env.t('review.ledger.missing') });
  if (review.status !== 'closed') return env.t('review.ledger.line', { status: env.t('review.ledger.open', { id: review.id }) });
  const total = (await subjectsOf(env.db, review.id)).length;
  const decided = (await decisionsOf(env.db, review.id)).size;
  return env.t('review.ledger.line', { status: env.t('review.ledger.held', { id: review.id, decided, total }) });
}
