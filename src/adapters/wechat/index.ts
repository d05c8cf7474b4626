/**
 * The WeChat platform (Wechaty): enabled by `WECHATY_PUPPET`, the puppet package to load
 * (`wechaty-puppet-wechat4u`, or `wechaty-puppet-service` with a token). Its own variables set the
 * pacing against bans (per-room gap and jitter, daily caps) and how sure a room match after a
 * re-login must be (see docs/wechat.md).
 */
import { z } from 'zod';
import { definePlatform } from '../../bot/platform.ts';
import { optionalNonEmpty } from '../../bot/env.ts';
import { DEFAULT_PACING } from './pacing.ts';

/** A whole number of at least `min`, with a default; an empty variable counts as unset. */
const wholeNumber = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).max(max).default(fallback));

const wechatEnv = z.object({
  WECHATY_PUPPET: optionalNonEmpty,
  WECHATY_PUPPET_SERVICE_TOKEN: optionalNonEmpty,
  /** Least seconds between two messages into one group. */
  WECHAT_ROOM_GAP_SECONDS: wholeNumber(DEFAULT_PACING.roomGapMs / 1000),
  /** Up to this many seconds more, at random, after each message into a group. */
  WECHAT_ROOM_JITTER_SECONDS: wholeNumber(DEFAULT_PACING.jitterMs / 1000),
  /** Messages into one group per day (China time). */
  WECHAT_ROOM_DAILY_CAP: wholeNumber(DEFAULT_PACING.roomDailyCap, 1),
  /** Messages the account sends per day, groups and private chats together. */
  WECHAT_ACCOUNT_DAILY_CAP: wholeNumber(DEFAULT_PACING.accountDailyCap, 1),
  /** Percent of a bound group's members a group of the same name must hold to be re-linked after a login. */
  WECHAT_RELINK_OVERLAP_PERCENT: wholeNumber(60, 1, 100),
});

/** WeChat as a platform module. */
export const wechatPlatform = definePlatform({
  name: 'wechat',
  env: wechatEnv,
  secrets: ['WECHATY_PUPPET_SERVICE_TOKEN'],
  enabled: (env) => Boolean(env.WECHATY_PUPPET),
  async create(env, services) {
    const { WechatAdapter } = await import('./adapter.ts');
    return new WechatAdapter({
      puppet: env.WECHATY_PUPPET!,
      puppetToken: env.WECHATY_PUPPET_SERVICE_TOKEN,
      dataDir: services.dataDir,
      logger: services.logger,
      botNames: [services.botName],
      clock: services.clock,
      pacing: {
        roomGapMs: env.WECHAT_ROOM_GAP_SECONDS * 1000,
        jitterMs: env.WECHAT_ROOM_JITTER_SECONDS * 1000,
        roomDailyCap: env.WECHAT_ROOM_DAILY_CAP,
        accountDailyCap: env.WECHAT_ACCOUNT_DAILY_CAP,
      },
      ...(services.identities
        ? { links: { identities: services.identities, translate: services.translate, threshold: env.WECHAT_RELINK_OVERLAP_PERCENT / 100 } }
        : {}),
    });
  },
});
