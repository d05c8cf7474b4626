/**
 * `/join 加入码` in a private chat: links the sender's account to the roster row the code was
 * issued for (see join-codes.ts). Runs for strangers (`outsiders: 'run'`). A wrong code is
 * counted, and its reply is sent without throwing so the count is kept.
 */
import { argInput } from '../../../bot/args.ts';
import { command, type Context } from '../../../bot/feature.ts';
import { activeMember, linkIdentity, writeAudit } from '../../../bot/roster.ts';
import { personLabel } from '../../../bot/people.ts';
import { JOIN_MAX_FAILURES, lookUpJoinCode, recentFailures, recordFailure, useJoinCode } from '../join-codes.ts';

const joinArgs = argInput.transform((a) => ({ code: a.text.trim().slice(0, 40) })).refine((a) => a.code.length > 0);

async function join(ctx: Context, { code }: { code: string }): Promise<void> {
  if (ctx.chat.ref.kind !== 'private') return ctx.reply(ctx.t('members.join.privateOnly'));
  const { platform, userId } = ctx.incoming.actor;
  const now = ctx.now();
  if ((await recentFailures(ctx.db, platform, userId, now)) >= JOIN_MAX_FAILURES) return ctx.reply(ctx.t('members.join.tooMany'));
  const found = await lookUpJoinCode(ctx.db, code, now);
  const row = found.kind === 'valid' ? await activeMember(ctx.db, found.memberId) : null;
  if (found.kind !== 'valid' || !row) {
    await recordFailure(ctx.db, platform, userId, now);
    return ctx.reply(ctx.t(found.kind === 'valid' ? 'members.join.unknown' : `members.join.${found.kind}`));
  }
  const link = await linkIdentity(ctx.db, row.id, ctx.incoming.actor);
  if (!link.linked) return ctx.reply(ctx.t('members.join.alreadyMember', { who: await personLabel(ctx, link.current) }));
  if (!(await useJoinCode(ctx.db, found.id, now))) return ctx.reply(ctx.t('members.join.used'));
  await writeAudit(ctx.db, row.id, 'member.join', `member ${row.id} linked ${platform} account`);
  ctx.reply(ctx.t('members.join.done', { who: await personLabel(ctx, row) }));
}

/** The /join command. */
export const joinCommand = command({
  name: 'join',
  aliases: ['加入'],
  minRole: 'masses',
  summaryKey: 'members.join.summary',
  usageKey: 'members.join.usage',
  args: joinArgs,
  handler: join,
  outsiders: 'run',
  secret: true,
});
