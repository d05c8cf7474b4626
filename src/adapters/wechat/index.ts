/**
 * The WeChat platform (Wechaty): enabled by `WECHATY_PUPPET`, the puppet package to load
 * (`wechaty-puppet-wechat4u`, or `wechaty-puppet-service` with a token).
 */
import { z } from 'zod';
import { definePlatform } from '../../bot/platform.ts';
import { optionalNonEmpty } from '../../bot/env.ts';

const wechatEnv = z.object({
  WECHATY_PUPPET: optionalNonEmpty,
  WECHATY_PUPPET_SERVICE_TOKEN: optionalNonEmpty,
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
    });
  },
});
