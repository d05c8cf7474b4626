/**
 * The suggestions slice (问需于民): `/suggest 内容` from anyone, masses included; `/suggestions`
 * for secretaries lists them with their status; `/suggestions #N accept|done|decline|open 回复`
 * changes one and tells the sender privately (or, where the platform has no private messages,
 * in the chat they wrote from). The month-end joint meeting notice counts the open ones
 * (`countOpenSuggestions`).
 */
import { z } from 'zod';
import { argInput, idToken } from '../../bot/args.ts';
import { command, UserError, type Context, type Feature } from '../../bot/feature.ts';
import type { ChatRef } from '../../bot/types.ts';
import { getMember, membersByIds, privateChatsOf, unitName } from '../../bot/roster.ts';
import { formatLocalDate } from '../../bot/time.ts';
import { addSuggestion, getSuggestion, listSuggestions, setSuggestionStatus, type SuggestionInfo, type SuggestionStatus } from './store.ts';
import { managesUnitIn } from '../../bot/policy.ts';

/** Longest suggestion kept (characters). */
export const MAX_SUGGESTION = 500;
/** Longest reply kept (characters). */
export const MAX_REPLY = 300;
/** Suggestions shown by one /suggestions. */
const LIST_LIMIT = 30;


/** Status words accepted by `/suggestions #N <word>`, in both languages. */
const STATUS_WORDS: Readonly<Record<string, SuggestionStatus>> = {
  accept: 'accepted',
  accepted: 'accepted',
  采纳: 'accepted',
  已采纳: 'accepted',
  done: 'done',
  办结: 'done',
  已办结: 'done',
  完成: 'done',
  已办: 'done',
  decline: 'declined',
  declined: 'declined',
  不采纳: 'declined',
  婉拒: 'declined',
  open: 'open',
  reopen: 'open',
  待研究: 'open',
  重开: 'open',
};

const OPEN_WORDS = new Set(['open', '待研究', '待办', '未办']);
const ALL_WORDS = new Set(['all', '全部']);

/** The suggestion as typed (its own punctuation kept). */
const suggestArgs = argInput.transform((a) => a.raw.trim()).pipe(z.string().min(1));

type SuggestionsArgs =
  | { readonly action: 'list'; readonly onlyOpen: boolean }
  | { readonly action: 'change'; readonly id: number; readonly status: SuggestionStatus; readonly reply: string };

const suggestionsArgs = argInput.transform((a, ctx): SuggestionsArgs => {
  const [first, second, ...rest] = a.tokens;
  if (first === undefined) return { action: 'list', onlyOpen: false };
  const word = first.toLowerCase();
  if (a.tokens.length === 1 && OPEN_WORDS.has(word)) return { action: 'list', onlyOpen: true };
  if (a.tokens.length === 1 && ALL_WORDS.has(word)) return { action: 'list', onlyOpen: false };
  const id = idToken.safeParse(first);
  const status = second === undefined ? undefined : STATUS_WORDS[second.toLowerCase()];
  // The reply as typed (its own punctuation kept): the raw text after the id and the status word.
  const reply = rest.length ? a.raw.trim().replace(/^\S+\s+\S+\s*/u, '').trim() : '';
  if (!id.success || status === undefined || [...reply].length > MAX_REPLY) {
    ctx.addIssue({ code: 'custom', message: 'expected #N accept|done|decline|open [reply]' });
    return z.NEVER;
  }
  return { action: 'change', id: id.data, status, reply };
});

/** A suggestion's text cut to `max` characters for one line. */
function excerpt(text: string, max = 40): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}

async function listHandler(ctx: Context, onlyOpen: boolean): Promise<void> {
  if (ctx.unitId === null) throw new UserError('suggestions.error.notBound');
  const unit = (await unitName(ctx.db, ctx.unitId)) ?? '';
  const { rows, total } = await listSuggestions(ctx.db, ctx.unitId, { onlyOpen, limit: LIST_LIMIT });
  if (total === 0) {
    ctx.reply(ctx.t(onlyOpen ? 'suggestions.suggestions.emptyOpen' : 'suggestions.suggestions.empty'));
    return;
  }
  const open = onlyOpen ? total : (await listSuggestions(ctx.db, ctx.unitId, { onlyOpen: true, limit: 0 })).total;
  const lines = [
    onlyOpen
      ? ctx.t('suggestions.suggestions.headerOpen', { unit, total })
      : ctx.t('suggestions.suggestions.header', { unit, total, open }),
  ];
  const names = await membersByIds(ctx.db, rows.map((s) => s.memberId));
  await ctx.audit('suggestion.list', `unit ${ctx.unitId}${onlyOpen ? ' open' : ''} (${rows.length}/${total})`);
  for (const s of rows) {
    lines.push(
      ctx.t('suggestions.suggestions.line', {
        id: s.id,
        status: ctx.t(`suggestions.status.${s.status}`),
        text: excerpt(s.text, 60),
        name: names.get(s.memberId)?.name ?? '?',
        date: formatLocalDate(s.createdAt, ctx.timeZone, ctx.locale),
      }),
    );
    if (s.reply) lines.push(ctx.t('suggestions.suggestions.replyLine', { reply: excerpt(s.reply, 80) }));
  }
  if (total > rows.length) lines.push(ctx.t('suggestions.suggestions.more', { shown: rows.length }));
  ctx.reply(lines.join('\n'));
}

/**
 * Where and what to tell the sender of `s` about its new status: one private message (on the
 * platform the suggestion came from, else the first that can), or, where no private message can
 * reach them, a line in the group they wrote from. Null when neither is possible.
 */
async function senderNotice(ctx: Context, s: SuggestionInfo): Promise<{ chat: ChatRef; text: string } | null> {
  const statusText = ctx.t(`suggestions.status.${s.status}`);
  const replyLine = s.reply ? `\n${ctx.t('suggestions.notify.reply', { reply: s.reply })}` : '';
  const privates = (await privateChatsOf(ctx.db, s.memberId)).filter((c) => ctx.capabilitiesOf(c.platform).privateMessages);
  const target = privates.find((c) => c.platform === s.chat.platform) ?? privates[0];
  if (target) return { chat: target, text: ctx.t('suggestions.notify.changed', { id: s.id, text: excerpt(s.text), status: statusText }) + replyLine };
  if (s.chat.kind !== 'group') return null;
  const name = (await getMember(ctx.db, s.memberId))?.name ?? '';
  return { chat: s.chat, text: ctx.t('suggestions.notify.inGroup', { name, id: s.id, text: excerpt(s.text), status: statusText }) + replyLine };
}

async function changeHandler(ctx: Context, id: number, status: SuggestionStatus, reply: string): Promise<void> {
  const s = await getSuggestion(ctx.db, id);
  if (!s) throw new UserError('suggestions.suggestions.notFound', { id });
  if (!(await managesUnitIn(ctx.db, ctx.member, s.unitId))) throw new UserError('suggestions.suggestions.otherUnit', { id });
  if (status === 'declined' && !reply) throw new UserError('suggestions.suggestions.needReply', { id });
  // Reopening starts afresh: the old answer no longer stands.
  const newReply = reply || (status === 'open' ? null : s.reply);
  if (status === s.status && newReply === s.reply) {
    ctx.reply(ctx.t('suggestions.suggestions.unchanged', { id, status: ctx.t(`suggestions.status.${status}`) }));
    return;
  }
  const updated = await setSuggestionStatus(ctx.db, id, { status, reply: newReply, handledById: ctx.member.id, now: ctx.now() });
  await ctx.audit('suggestion.status', `suggestion ${id} ${s.status} -> ${status}`);
  const notice = updated.memberId !== ctx.member.id ? await senderNotice(ctx, updated) : null;
  ctx.reply(
    ctx.t('suggestions.suggestions.changed', {
      id,
      status: ctx.t(`suggestions.status.${status}`),
      notified: notice ? ctx.t('suggestions.suggestions.notified') : '',
    }).trim(),
  );
  if (notice) ctx.send(notice.chat, notice.text);
}

/** Builds the suggestions feature. */
export function suggestionsFeature(): Feature {
  return {
    name: 'suggestions',
    commands: [
      command({
        name: 'suggest',
        aliases: ['建议', '提建议'],
        minRole: 'masses',
        summaryKey: 'suggestions.suggest.summary',
        usageKey: 'suggestions.suggest.usage',
        args: suggestArgs,
        handler: async (ctx, text) => {
          if (ctx.unitId === null) throw new UserError('suggestions.error.notBound');
          if ([...text].length > MAX_SUGGESTION) throw new UserError('suggestions.suggest.tooLong', { max: MAX_SUGGESTION });
          const s = await addSuggestion(ctx.db, { unitId: ctx.unitId, memberId: ctx.member.id, chat: ctx.chat.ref, text, now: ctx.now() });
          ctx.reply(ctx.t('suggestions.suggest.done', { id: s.id }));
        },
      }),
      command({
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
      }),
    ],
  };
}
