/**
 * The platforms the bot can run on: the one list that names them. The configuration (each
 * module's variables, `BOT_ADMINS` platform names), log redaction and `main.ts` are derived from
 * it. Adding a platform is its folder under `src/adapters/` and one line here.
 */
import type { PlatformModule } from '../bot/platform.ts';
import { consolePlatform } from './console/index.ts';
import { telegramPlatform } from './telegram/index.ts';
import { wechatPlatform } from './wechat/index.ts';
import { wecomPlatform } from './wecom/index.ts';
import { dingtalkPlatform } from './dingtalk/index.ts';

/** Every platform module, in start order; the console runs when no other is enabled. */
export const PLATFORM_MODULES: readonly PlatformModule[] = [consolePlatform, telegramPlatform, wechatPlatform, wecomPlatform, dingtalkPlatform];
