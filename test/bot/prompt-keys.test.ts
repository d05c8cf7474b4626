// The committed prompt-key types (src/bot/prompt-keys.ts, src/adapters/<name>/prompt-keys.ts) are
// generated from prompts/zh-CN: this fails when a prompt was added or removed without
// `npm run prompts:types`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { promptKeyFiles } from '../../src/bot/prompt-keys-gen.ts';

const files = promptKeyFiles(path.resolve(import.meta.dirname, '../../prompts'));
const core = path.resolve(import.meta.dirname, '../../src/bot/prompt-keys.ts');

describe('PromptKey', () => {
  it('src/bot/prompt-keys.ts matches the zh-CN prompt files (run `npm run prompts:types`)', () => {
    expect(readFileSync(core, 'utf8')).toBe(files.get(core));
    expect(files.get(core)).toContain("  | 'core.error.forbidden'");
    expect(files.get(core)).not.toContain("'wechat.");
  });

  it("each adapter's own prompt-keys.ts matches its namespace", () => {
    const wechat = path.resolve(import.meta.dirname, '../../src/adapters/wechat/prompt-keys.ts');
    expect(files.get(wechat)).toContain("  | 'wechat.relink.ask'");
    for (const [file, text] of files) {
      expect(existsSync(file), `${file} missing: run npm run prompts:types`).toBe(true);
      expect(readFileSync(file, 'utf8'), file).toBe(text);
    }
  });
});
