/**
 * "Reply with X" hints in a chat. Where a platform shows the bot only the group messages that
 * @-mention it (`Capabilities.groupMessages` is `'mentions'`), a bare `1` in the
 * group never reaches the bot, so the hint must say `@先锋 1` (with the bot's real name). Each such
 * prompt `<key>` has a sibling `<key>Mention` that says so, with a `{bot}` placeholder.
 */
import type { BaseContext } from './context.ts';
import type { HintKey } from './prompt-key.ts';
import type { ChatRef } from './types.ts';

/** True when people in `chat` must @-mention the bot for it to see their message. */
export function needsMention(ctx: Pick<BaseContext, 'capabilitiesOf'>, chat: Pick<ChatRef, 'platform' | 'kind'>): boolean {
  return chat.kind === 'group' && ctx.capabilitiesOf(chat.platform).groupMessages === 'mentions';
}

/** The hint `key` for `chat`: its `…Mention` form (naming the bot) where groups show the bot only @-mentions. */
export function replyHint(
  ctx: Pick<BaseContext, 't' | 'capabilitiesOf' | 'botName'>,
  chat: Pick<ChatRef, 'platform' | 'kind'>,
  key: HintKey,
  vars: Record<string, string | number> = {},
): string {
  return needsMention(ctx, chat) ? ctx.t(`${key}Mention`, { ...vars, bot: ctx.botName }) : ctx.t(key, vars);
}
