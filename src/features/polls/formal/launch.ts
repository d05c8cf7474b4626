/**
 * `/poll 议题 [| 赞成 | 反对 | 弃权] --formal [--quorum 2/3]`: a formal vote (表决). Only full
 * members vote (audience `formal`); without options the choices are 赞成 / 反对 / 弃权, and with
 * options the first one is the one in favour. One choice per ballot, members only.
 */
import { UsageError, UserError, type Context } from '../../../bot/feature.ts';
import type { PollFlags } from '../args.ts';
import { launch, unitForNewPoll, validateNewPoll } from '../commands/poll.ts';
import { HALF, parseQuorum, type Quorum } from './rules.ts';
import { quorumWords } from './results.ts';
import { createFormal } from './store.ts';

/** What /poll read. */
export interface FormalPollInput {
  readonly question: string;
  readonly options: readonly string[];
  readonly flags: PollFlags;
}

/** The quorum of the flags, or a refusal naming what was typed. */
function quorumOf(flags: PollFlags): Quorum {
  if (!flags.formal) throw new UsageError('polls.formal.quorumNeedsFormal');
  if (flags.quorum === undefined) return HALF;
  const q = parseQuorum(flags.quorum);
  if (!q) throw new UserError('polls.formal.badQuorum', { value: flags.quorum.slice(0, 20) });
  return q;
}

/** Refuses flags that make no sense for a formal vote. */
function checkFlags(flags: PollFlags): void {
  if (flags.multi) throw new UserError('polls.formal.noMulti');
  if (flags.audience !== undefined) throw new UserError('polls.formal.noAudience');
  if (flags.min !== undefined) throw new UsageError('polls.poll.minIsForRatings');
}

/** Creates, records and announces a formal vote, with its rule in one line under the announcement. */
export async function launchFormal(ctx: Context, input: FormalPollInput): Promise<void> {
  const { flags } = input;
  const quorum = quorumOf(flags);
  checkFlags(flags);
  const unitId = await unitForNewPoll(ctx);
  const options = input.options.length > 0 ? [...input.options] : [ctx.t('polls.formal.for'), ctx.t('polls.formal.against'), ctx.t('polls.formal.abstain')];
  if (options.length < 2) throw new UsageError('polls.poll.twoOptions');
  const closesAt = validateNewPoll(ctx, input.question, options, flags);
  const poll = await launch(ctx, { kind: 'choice', question: input.question, options, flags, closesAt, unitId, audience: 'formal' });
  await createFormal(ctx.db, poll.id, quorum);
  ctx.reply(ctx.t('polls.formal.announceRule', { id: poll.id, quorum: quorumWords(ctx.t, quorum), inFavour: options[0]! }));
}
