// The committed PromptKey type (src/bot/prompt-keys.ts) is generated from prompts/zh-CN: this fails
// when a prompt was added or removed without `npm run prompts:types`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMPT_KEYS_FILE, promptKeysSource } from '../../src/bot/prompt-keys-gen.ts';

describe('PromptKey', () => {
  it('src/bot/prompt-keys.ts matches the zh-CN prompt files (run `npm run prompts:types`)', () => {
    const expected = promptKeysSource(path.resolve(import.meta.dirname, '../../prompts'));
    expect(readFileSync(PROMPT_KEYS_FILE, 'utf8')).toBe(expected);
    expect(expected).toContain("  | 'core.error.forbidden'");
  });
});
