/**
 * A `BaseContext` (src/bot/context.ts) for tests that call a feature's steps directly, as a
 * handler or the scheduler would: the parts a test cares about are given, the rest default to
 * harmless values (zh-CN, Asia/Shanghai, text-only capabilities, nothing scheduled or audited).
 */
import { TEXT_ONLY_CAPABILITIES } from '../../src/bot/adapter.ts';
import { DEFAULT_BOT_NAME, type BaseContext } from '../../src/bot/context.ts';

/** A base context over `parts.db` and `parts.t`, with defaults for everything else. */
export function baseContext(parts: Partial<BaseContext> & Pick<BaseContext, 'db' | 't'>): BaseContext {
  return {
    now: () => new Date(),
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    capabilitiesOf: () => TEXT_ONLY_CAPABILITIES,
    send: () => {},
    scheduleTask: async () => {},
    audit: async () => {},
    botName: DEFAULT_BOT_NAME,
    ...parts,
  };
}
