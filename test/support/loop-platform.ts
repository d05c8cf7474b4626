/**
 * A platform module that exists only in tests: `loopchat`, enabled by `LOOPCHAT_ENABLED=1`, with
 * one secret variable. It registers through a modules list alone (no core file names it), which
 * proves that adding a platform is a folder and one line.
 */
import { z } from 'zod';
import { definePlatform } from '../../src/bot/platform.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from './recording-adapter.ts';

/** The adapters the module built, newest last, so a test can drive them. */
export const loopAdapters: RecordingAdapter[] = [];

/** The test-only platform module. */
export const loopPlatform = definePlatform({
  name: 'loopchat',
  env: z.object({
    LOOPCHAT_ENABLED: z.enum(['0', '1']).default('0'),
    LOOPCHAT_SECRET: z.string().min(8, { message: 'must be at least 8 characters' }).optional(),
  }),
  secrets: ['LOOPCHAT_SECRET'],
  enabled: (env) => env.LOOPCHAT_ENABLED === '1',
  async create(env, services) {
    services.logger.info({ note: `connecting with ${env.LOOPCHAT_SECRET}` }, 'loopchat connecting');
    const adapter = new RecordingAdapter('loopchat', { ...TEXT_CAPABILITIES, groupMessages: 'mentions' });
    loopAdapters.push(adapter);
    return adapter;
  },
});
