// Issue 17 defect 10: English plurals (`1 pledges`). A placeholder `{count|pledge|pledges}` gives
// the number and the word for its amount; the English prompts use it wherever a count meets a noun.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPrompts, placeholdersOf, translator } from '../../src/bot/i18n.ts';
import { setUpBranch, startPollsBot, type PollsBot } from '../features/polls/harness.ts';

const PROMPTS = path.resolve(import.meta.dirname, '../../prompts');

let bot: PollsBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('English plurals', () => {
  it('a plural placeholder names its variable once and picks the word by the amount', () => {
    expect(placeholdersOf('{count|pledge|pledges}, {done} done')).toEqual(['count', 'done']);
    const t = translator(loadPrompts(PROMPTS), 'en', { strict: true });
    const line = (count: number) => t('pledges.report.unitLine', { unit: 'East', total: count, done: 0, partly: 0, not: count });
    expect(line(1)).toBe('East: 1 pledge, 0 done, 0 partly done, 1 not done');
    expect(line(2)).toBe('East: 2 pledges, 0 done, 0 partly done, 2 not done');
    expect(t('quizzes.profile.streak', { days: 1, mistakes: 1 })).toBe('Streak: 1 day; review book: 1 question');
    expect(t('quizzes.profile.streak', { days: 0, mistakes: 3 })).toBe('Streak: 0 days; review book: 3 questions');
  });

  it('no English prompt puts a bare count before a plural noun', () => {
    const nouns = /\{[A-Za-z_]+\} (days|pledges|check-ins|questions|points|pts|ballots|polls|meetings|members|rows|tasks|people|hours|minutes)\b(?!')/; // `{unit} members' meeting` is a possessive, not a count
    const offenders = [...loadPrompts(PROMPTS).texts.en.entries()].filter(([, text]) => nouns.test(text)).map(([key]) => key);
    expect(offenders).toEqual([]);
  });

  it('a member with one pledge is told "1 pledge" through the bot', async () => {
    const b = (bot = await startPollsBot({ env: { BOT_LOCALE: 'en' } }));
    await setUpBranch(b, '王芳', ['李四']);
    await b.texts('李四', '/pledge visit the elderly target 5');
    const list = (await b.texts('李四', '/pledges')).join('\n');
    expect(list).toMatch(/: 1 pledge, 0 done:/);
  });
});
