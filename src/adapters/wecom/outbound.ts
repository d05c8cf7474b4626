/**
 * Sends one outgoing message over the long connection: on the req_id of a callback still open in
 * that chat (a passive reply, which also closes the person's exchange), else proactively to the
 * group's chatid or the person's userid (`aibot_send_msg`). Texts go as markdown, interactive
 * messages as template cards, pictures and files as uploaded media after their caption (media.ts).
 */
import crypto from 'node:crypto';
import type { WSClient, WsFrame } from '@wecom/aibot-node-sdk';
import type { SendResult } from '../../bot/adapter.ts';
import type { ChatRef, OutgoingMessage } from '../../bot/types.ts';
import type { Logger } from '../../logger.ts';
import type { CardMemory } from './card-memory.ts';
import { buttonsCard, newTaskId, pollCard, quizCard, type Card } from './cards.ts';
import type { Exchange, OpenExchanges } from './exchanges.ts';
import { sendMedia, type MediaProgress } from './media.ts';

/** What a send needs from the adapter. */
export interface SendContext {
  readonly client: WSClient;
  readonly exchanges: OpenExchanges;
  readonly cards: CardMemory;
  readonly media: MediaProgress;
  readonly botName: string;
  readonly now: number;
  readonly log: Logger;
}

/**
 * Keeps a plain text plain under WeCom's markdown: a line starting with `# ` would become a heading
 * and `>` a quote, so those marks are written full-width (`#1` without a space stays as it is).
 */
export function plainMarkdown(text: string): string {
  return text.replace(/^([ \t]*)(#{1,6}(?=[ \t])|>)/gm, (_, space: string, mark: string) => `${space}${mark.startsWith('#') ? '＃'.repeat(mark.length) : '＞'}`);
}

/** True when the server answered with an error code (it refused: nothing was shown). */
function refused(err: unknown): boolean {
  return typeof err === 'object' && err !== null && !(err instanceof Error) && typeof (err as { errcode?: unknown }).errcode === 'number';
}

/** Tries the passive reply on an open exchange; falls back to a proactive send if WeCom refuses it. */
async function replyOrSend(ctx: SendContext, chatId: string, payload: string, reply: ((ex: Exchange) => Promise<WsFrame>) | undefined, send: () => Promise<WsFrame>): Promise<void> {
  const exchange = reply ? ctx.exchanges.take(chatId, payload, ctx.now) : undefined;
  if (exchange && reply) {
    try {
      await reply(exchange);
      return;
    } catch (err) {
      if (!refused(err)) throw err;
      ctx.log.debug({ chatId }, 'wecom passive reply refused; sending proactively');
    }
  }
  await send();
}

async function sendText(ctx: SendContext, chat: ChatRef, message: OutgoingMessage, text: string): Promise<SendResult> {
  const content = plainMarkdown(text);
  await replyOrSend(
    ctx,
    chat.chatId,
    JSON.stringify(message),
    (ex) =>
      ex.kind === 'welcome'
        ? ctx.client.replyWelcome(ex.frame, { msgtype: 'text', text: { content: text } })
        : ctx.client.replyStream(ex.frame, `xf_${crypto.randomBytes(8).toString('hex')}`, content, true),
    () => ctx.client.sendMessage(chat.chatId, { msgtype: 'markdown', markdown: { content } }),
  );
  return {};
}

async function sendCard(ctx: SendContext, chat: ChatRef, message: OutgoingMessage, card: Card, native: boolean): Promise<SendResult> {
  await replyOrSend(
    ctx,
    chat.chatId,
    JSON.stringify(message),
    (ex) =>
      ex.kind === 'welcome'
        ? ctx.client.replyWelcome(ex.frame, { msgtype: 'template_card', template_card: card })
        : ctx.client.replyTemplateCard(ex.frame, card),
    () => ctx.client.sendMessage(chat.chatId, { msgtype: 'template_card', template_card: card }),
  );
  ctx.cards.remember(card);
  return native ? { messageId: card.task_id, nativePollId: card.task_id } : { messageId: card.task_id };
}

/** Delivers one message (already rendered for WeCom's capabilities by the outbox). */
export async function sendOutgoing(ctx: SendContext, chat: ChatRef, message: OutgoingMessage, nativeRef?: SendResult): Promise<SendResult> {
  switch (message.kind) {
    case 'text':
      return message.buttons?.length ? sendCard(ctx, chat, message, buttonsCard(message.text, message.buttons, newTaskId(), ctx.botName), false) : sendText(ctx, chat, message, message.text);
    case 'poll':
      return sendCard(ctx, chat, message, pollCard(message, newTaskId(), ctx.botName), true);
    case 'quiz':
      return sendCard(ctx, chat, message, quizCard(message, newTaskId(), ctx.botName), true);
    case 'stop_poll':
      // WeCom updates a card only in reply to a click: remember it is closed for the next click.
      if (nativeRef?.messageId) ctx.cards.close(nativeRef.messageId);
      return {};
    case 'image':
    case 'file':
      await sendMedia({ client: ctx.client, media: ctx.media, now: ctx.now, sendText: (text) => sendText(ctx, chat, message, text) }, chat.chatId, message);
      return {};
  }
}
