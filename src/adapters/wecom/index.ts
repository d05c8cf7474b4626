/**
 * The WeCom (企业微信) 智能机器人 platform module: on when WECOM_BOT_ID and WECOM_BOT_SECRET are
 * set; connects to WECOM_WS_URL over the official long connection; paces sends within WeCom's
 * limits (configurable); with several instances on one database, a lease decides which one holds
 * the bot's single connection. docs/wecom.md is the set-up guide.
 */
import path from 'node:path';
import { z } from 'zod';
import { definePlatform } from '../../bot/platform.ts';
import { optionalNonEmpty } from '../../bot/env.ts';
import { LeaseStore } from '../../db/lease.ts';
import { WECOM } from './inbound.ts';

const count = (fallback: number, max: number) =>
  z.coerce.number({ message: 'must be a whole number' }).int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' }).max(max, { message: `must be at most ${max}` }).default(fallback);

/** WeCom's own environment variables. */
const wecomEnv = z
  .object({
    WECOM_BOT_ID: optionalNonEmpty,
    WECOM_BOT_SECRET: optionalNonEmpty,
    WECOM_WS_URL: z
      .string()
      .trim()
      .default('wss://openws.work.weixin.qq.com')
      .refine((u) => /^wss?:\/\/.+/.test(u) && URL.canParse(u), { message: 'must be a ws:// or wss:// URL, e.g. wss://openws.work.weixin.qq.com' }),
    /** Messages a minute into one group (WeCom: 20 a minute per bot and group). */
    WECOM_PER_GROUP_PER_MINUTE: count(20, 600),
    /** Messages a minute to one member's 1:1 chat (WeCom: 30 a minute per app and member). */
    WECOM_PER_MEMBER_PER_MINUTE: count(30, 600),
    /** Messages a second across all chats of the bot. */
    WECOM_PER_APP_PER_SECOND: count(20, 1000),
    /** Callbacks a person may have open with the bot (WeCom: at most three). */
    WECOM_MAX_OPEN_PER_USER: count(3, 3),
    /** Seconds after a message during which the reply goes back on its req_id. */
    WECOM_REPLY_WINDOW_SECONDS: count(60, 3600),
    /** Seconds an instance holds the connection lease without renewing it (the take-over time). */
    WECOM_LEASE_SECONDS: count(30, 3600),
    /** Seconds between heartbeats (WeCom: 30). */
    WECOM_HEARTBEAT_SECONDS: count(30, 300),
  })
  .refine((e) => !!e.WECOM_BOT_ID === !!e.WECOM_BOT_SECRET, { message: 'WECOM_BOT_ID and WECOM_BOT_SECRET must be set together', path: ['WECOM_BOT_SECRET'] });

/** The parsed WeCom environment. */
export type WecomEnv = z.output<typeof wecomEnv>;

/** The WeCom platform, for the list in src/adapters/index.ts. */
export const wecomPlatform = definePlatform<WecomEnv>({
  name: WECOM,
  env: wecomEnv,
  secrets: ['WECOM_BOT_SECRET'],
  enabled: (env) => !!env.WECOM_BOT_ID && !!env.WECOM_BOT_SECRET,
  async create(env, services) {
    const { WecomAdapter } = await import('./adapter.ts');
    return new WecomAdapter({
      botId: env.WECOM_BOT_ID!,
      secret: env.WECOM_BOT_SECRET!,
      wsUrl: env.WECOM_WS_URL,
      botName: services.botName,
      logger: services.logger,
      clock: services.clock,
      db: services.database.db,
      rateLimits: {
        globalPerSecond: env.WECOM_PER_APP_PER_SECOND,
        perChatIntervalMs: Math.ceil(60_000 / env.WECOM_PER_MEMBER_PER_MINUTE),
        perGroupPerMinute: env.WECOM_PER_GROUP_PER_MINUTE,
      },
      exchanges: { replyWindowMs: env.WECOM_REPLY_WINDOW_SECONDS * 1000, welcomeWindowMs: 4000, maxOpenPerUser: env.WECOM_MAX_OPEN_PER_USER },
      heartbeatMs: env.WECOM_HEARTBEAT_SECONDS * 1000,
      lease: { store: new LeaseStore(services.database.db, services.clock), holder: services.instanceId, ttlMs: env.WECOM_LEASE_SECONDS * 1000 },
      statusFile: path.join(services.dataDir, 'wecom-status.json'),
    });
  },
});
