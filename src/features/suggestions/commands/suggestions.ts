/**
 * `/suggestions [open|all]` lists the unit's suggestions with their status (secretaries);
 * `/suggestions #N accept|done|decline|open 回复` changes one and tells the sender privately (or,
 * where the platform has no private messages, in the chat they wrote from).
 */
import { z } from 'zod';
import { argInput, idToken } from '../../../bot/args.ts';
import { command, UserError, type Context } from '../../../bot/feature.ts';
import type { ChatRef } from '../../../bot/types.ts';
import { getMember, membersByIds, privateChatsOf, unitName } from '../../../bot/roster.ts';
import { managesUnitIn } from '../../../bot/policy.ts';
import { groupNotice, listLines, privateNotice } from '../render.ts';
import { LIST_LIMIT, readSuggestionsRequest, replyAfterChange } from '../rules.ts';
import { getSuggestion, listSuggestions, setSuggestionStatus, type SuggestionInfo, type SuggestionStatus } from '../store.ts';

const suggestionsArgs = argInput.transform((a, ctx) => {
  const id = idToken.safeParse(a.tokens[0] ?? '');
  const request = readSuggestionsRequest(a.tokens, a.raw, id.success ? id.data : null);
  if (request) return request;
  ctx.addIssue({ code: 'custom', message: 'expected #N accept|done|decline|open [reply]' });
  return z.NEVER;
});

async function listHandler(ctx: Context, onlyOpen: boolean): Promise<void> {
  if (ctx.unitId === null) throw new UserError('suggestions.error.notBound');
  const unit = (await unitName(ctx.db, ctx.unitId)) ?? '';
  const { rows, total } = await listSuggestions(ctx.db, ctx.unitId, { onlyOpen, limit: LIST_LIMIT });
  if (total === 0) {
    ctx.reply(ctx.t(onlyOpen ? 'suggestions.suggestions.emptyOpen' : 'suggestions.suggestions.empty'));
    return;
  }
  const open = onlyOpen ? total : (await listSuggestions(ctx.db, ctx.unitId, { onlyOpen: true, limit: 0 })).total;
  const names = await membersByIds(ctx.db, rows.map((s) => s.memberId));
  await ctx.audit('suggestion.list', `unit ${ctx.unitId}${onlyOpen ? ' open' : ''} (${rows.length}/${total})`);
  const nameOf = (id: number) => names.get(id)?.name ?? '?';
  ctx.reply(listLines(ctx, { unit, rows, total, open, onlyOpen, nameOf }).join('\n'));
}

/**
 * Where and what to tell the sender of `s` about its new status: one private message (on the
 * platform the suggestion came from, else the first that can), or, where no private message can
 * reach them, a line in the group they wrote from. Null when neither is possible.
 */
async function senderNotice(ctx: Context, s: SuggestionInfo): Promise<{ chat: ChatRef; text: string } | null> {
  const privates = (await privateChatsOf(ctx.db, s.memberId)).filter((c) => ctx.capabilitiesOf(c.platform).privateMessages);
  const target = privates.find((c) => c.platform === s.chat.platform) ?? privates[0];
  if (target) return { chat: target, text: privateNotice(ctx, s) };
  if (s.chat.kind !== 'group') return null;
  const name = (await getMember(ctx.db, s.memberId))?.name ?? '';
  return { chat: s.chat, text: groupNotice(ctx, s, name) };
}

async function changeHandler(ctx: Context, id: number, status: SuggestionStatus, reply: string): Promise<void> {
  const s = await getSuggestion(ctx.db, id);
  if (!s) throw new UserError('suggestions.suggestions.notFound', { id });
  if (!(await managesUnitIn(ctx.db, ctx.member, s.unitId))) throw new UserError('suggestions.suggestions.otherUnit', { id });
  if (status === 'declined' && !reply) throw new UserError('suggestions.suggestions.needReply', { id });
  const newReply = replyAfterChange(s.reply, status, reply);
  if (status === s.status && newReply === s.reply) {
    ctx.reply(ctx.t('suggestions.suggestions.unchanged', { id, status: ctx.t(`suggestions.status.${status}`) }));
    return;
  }
  const updated = await setSuggestionStatus(ctx.db, id, { status, reply: newReply, handledById: ctx.member.id, now: ctx.now() });
  await ctx.audit('suggestion.status', `suggestion ${id} ${s.status} -> ${status}`);
  const notice = updated.memberId !== ctx.member.id ? await senderNotice(ctx, updated) : null;
  const notified = notice ? ctx.t('suggestions.suggestions.notified') : '';
  ctx.reply(ctx.t('suggestions.suggestions.changed', { id, status: ctx.t(`suggestions.status.${status}`), notified }).trim());
  if (notice) ctx.send(notice.chat, notice.text);
}

/** The /suggestions command. */
export const suggestionsCommand = command({
  name: 'suggestions',
  aliases: ['建议列表'],
  minRole: 'secretary',
  summaryKey: 'suggestions.suggestions.summary',
  usageKey: 'suggestions.suggestions.usage',
  args: suggestionsArgs,
  handler: async (ctx, args) => {
    if (args.action === 'list') await listHandler(ctx, args.onlyOpen);
    else await changeHandler(ctx, args.id, args.status, args.reply);
  },
});
