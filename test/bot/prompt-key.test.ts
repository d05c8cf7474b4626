// Keys are checked by tsc: `npm test` type-checks this file, so each `@ts-expect-error` below fails
// the build the day a misspelt or built-up key would be accepted. The runtime half checks that the
// helper builds the key it promises and that the real prompts have it in both locales.
import { describe, expect, it } from 'vitest';
import type { Translate } from '../../src/bot/feature.ts';
import { loadPrompts } from '../../src/bot/i18n.ts';
import { promptKey, type HintKey, type KeySuffix } from '../../src/bot/prompt-key.ts';
import type { PromptKey } from '../../src/bot/prompt-keys.ts';

const prompts = loadPrompts('prompts');

describe('prompt keys checked by tsc', () => {
  it('promptKey joins a prefix and a suffix that ends a real key', () => {
    const key: PromptKey = promptKey('core.role.', 'secretary');
    expect(key).toBe('core.role.secretary');
    expect(prompts.texts['zh-CN'].get(key)).toBe('书记');
    expect(prompts.texts.en.has(key)).toBe(true);
  });

  it('refuses, at compile time, a misspelt key, a wrong suffix and an adapter key', () => {
    const t: Translate = (key) => key;
    // @ts-expect-error: misspelt key
    t('core.error.forbiden');
    // @ts-expect-error: no key core.role.boss
    promptKey('core.role.', 'boss');
    // @ts-expect-error: an adapter's own namespace is not a core key
    t('wechat.relink.ask');
    const dynamic: string = 'core.role.admin';
    // @ts-expect-error: a plain string is not a key
    t(dynamic);
    const suffix: KeySuffix<'core.role.'> = 'admin';
    expect(t(`core.role.${suffix}`)).toBe('core.role.admin');
  });

  it('HintKey is exactly the keys with a <key>Mention sibling', () => {
    const hint: HintKey = 'polls.howto.choice';
    // @ts-expect-error: core.error.forbidden has no Mention form
    const notHint: HintKey = 'core.error.forbidden';
    expect(prompts.texts['zh-CN'].has(`${hint}Mention`)).toBe(true);
    expect(prompts.texts['zh-CN'].has(`${notHint}Mention`)).toBe(false);
  });
});
