/**
 * The DingTalk (钉钉) platform module: a robot in Stream mode (no public URL), enabled by
 * `DINGTALK_CLIENT_ID` and `DINGTALK_CLIENT_SECRET`. Its sends through the OpenAPI are metered
 * (a free organisation gets 10,000 calls a month): the outbox counts them and spares the budget.
 */
import { z } from 'zod';
import type { Capabilities } from '../../bot/adapter.ts';
import { definePlatform } from '../../bot/platform.ts';
import { optionalNonEmpty, urlWithDefault } from '../../bot/env.ts';
import { MAX_BATCH_USERS } from './openapi.ts';

const count = (fallback: number, what: string) =>
  z.coerce.number({ message: `must be a whole number (${what})` }).int({ message: `must be a whole number (${what})` }).min(0, { message: 'must be 0 or more' }).default(fallback);

/** The environment of the DingTalk module. */
export const dingtalkEnv = z.object({
  DINGTALK_CLIENT_ID: optionalNonEmpty,
  DINGTALK_CLIENT_SECRET: optionalNonEmpty,
  /** The robot that sends (default: the client id, as for an app robot). */
  DINGTALK_ROBOT_CODE: optionalNonEmpty,
  /** Base of the Stream gateway and the OpenAPI; private deployments and tests change it. */
  DINGTALK_API_ROOT: urlWithDefault('https://api.dingtalk.com').transform((u) => u.replace(/\/+$/, '')),
  /** OpenAPI calls the organisation may spend a month (a free organisation: 10000); 0 = unlimited. */
  DINGTALK_MONTHLY_CALL_BUDGET: count(10_000, 'calls a month, 0 = unlimited'),
  /** OpenAPI sends per second across all chats (DingTalk's standard plan allows 20). */
  DINGTALK_QPS: count(20, 'sends per second').refine((n) => n >= 1, { message: 'must be at least 1' }),
  /** Members one 1:1 send reaches (DingTalk's batchSend takes up to 20); 1 sends each alone. */
  DINGTALK_BATCH_USERS: count(MAX_BATCH_USERS, 'members a 1:1 send').refine((n) => n >= 1 && n <= MAX_BATCH_USERS, { message: `must be 1 to ${MAX_BATCH_USERS}` }),
  /** Messages per minute into one group (DingTalk limits a robot to 20). */
  DINGTALK_GROUP_PER_MINUTE: count(20, 'messages a minute').refine((n) => n >= 1, { message: 'must be at least 1' }),
});

/** The parsed DingTalk environment. */
export type DingTalkEnv = z.output<typeof dingtalkEnv>;

/** What a DingTalk robot can do, given its environment. */
export function dingtalkCapabilities(env: Pick<DingTalkEnv, 'DINGTALK_MONTHLY_CALL_BUDGET' | 'DINGTALK_QPS' | 'DINGTALK_GROUP_PER_MINUTE'> & Partial<Pick<DingTalkEnv, 'DINGTALK_BATCH_USERS'>>): Capabilities {
  return {
    maxTextLength: 3000,
    nativePolls: false,
    nativeQuiz: false,
    // ActionCard buttons open links, not commands, and a group robot only hears @-messages:
    // answers are written `@先锋 1` instead.
    buttons: false,
    images: false,
    files: false,
    privateMessages: true,
    // oToMessages/batchSend takes up to 20 userIds: one metered call for 20 identical 1:1 messages.
    privateBatch: env.DINGTALK_BATCH_USERS ?? MAX_BATCH_USERS,
    rateLimits: { globalPerSecond: env.DINGTALK_QPS, perChatIntervalMs: 0, perGroupPerMinute: env.DINGTALK_GROUP_PER_MINUTE },
    maxPollOptions: 10,
    maxQuestionLength: 300,
    maxOptionLength: 100,
    maxExplanationLength: 200,
    maxOpenSeconds: 600,
    groupMessages: 'mentions',
    mentions: 'text',
    metered: true,
    monthlyCallBudget: env.DINGTALK_MONTHLY_CALL_BUDGET,
    // Received pictures and files: messageFiles/download gives a temporary URL for a downloadCode.
    downloads: true,
  };
}

/** The module `src/adapters/index.ts` lists. */
export const dingtalkPlatform = definePlatform({
  name: 'dingtalk',
  env: dingtalkEnv,
  secrets: ['DINGTALK_CLIENT_SECRET'],
  enabled: (env) => Boolean(env.DINGTALK_CLIENT_ID && env.DINGTALK_CLIENT_SECRET),
  async create(env, services) {
    const { DingTalkAdapter } = await import('./adapter.ts');
    return new DingTalkAdapter({
      clientId: env.DINGTALK_CLIENT_ID!,
      clientSecret: env.DINGTALK_CLIENT_SECRET!,
      robotCode: env.DINGTALK_ROBOT_CODE ?? env.DINGTALK_CLIENT_ID!,
      apiRoot: env.DINGTALK_API_ROOT,
      capabilities: dingtalkCapabilities(env),
      logger: services.logger,
      clock: services.clock,
    });
  },
});
