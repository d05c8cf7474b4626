import { describe, expect, it } from 'vitest';
import { parseMessage, type ParseOptions, type ParsedMessage } from '../../src/bot/grammar.ts';
import { normalizeForParsing } from '../../src/bot/normalize.ts';

/** The command names and aliases of the spec, as the registry would resolve them. */
const NAMES: Record<string, string[]> = {
  help: ['帮助'],
  whoami: ['我'],
  setrole: ['设角色'],
  bindchat: ['绑定群'],
  pledge: ['承诺'],
  checkin: ['打卡'],
  pledges: ['承诺榜'],
  quiz: ['答题'],
  answer: ['答'],
  rank: ['积分榜'],
  poll: ['投票'],
  vote: ['选'],
  rsvp: ['到', '请假'],
  suggest: ['建议'],
};
const table = new Map<string, string>();
for (const [name, aliases] of Object.entries(NAMES)) for (const n of [name, ...aliases]) table.set(n, name);
const resolve = (n: string) => table.get(n);

const opts: ParseOptions = { resolve, botUsernames: ['xianfeng_bot'] };

/** A command result; `rawArgText` defaults to `argText`. */
function cmd(name: string, argText: string, raw: string, rawArgText = argText): ParsedMessage {
  return { kind: 'command', name, argText, rawArgText, raw };
}
const text = (t: string, addressed = false): ParsedMessage => ({ kind: 'text', text: t, addressed });
const unknown = (word: string): ParsedMessage => ({ kind: 'unknown_command', word });

const TEN_KB = '今天天气很好，大家辛苦了。'.repeat(800); // 10 400 characters

const cases: [string, string, ParsedMessage][] = [
  // slash form
  ['plain slash', '/help', cmd('help', '', '/help')],
  ['slash with args', '/help checkin', cmd('help', 'checkin', '/help checkin')],
  ['uppercase name', '/HELP', cmd('help', '', '/HELP')],
  ['mixed case name', '/WhoAmI', cmd('whoami', '', '/WhoAmI')],
  ['full-width slash and letters', '／ｈｅｌｐ', cmd('help', '', '／ｈｅｌｐ')],
  ['full-width digits in args', '/vote #３ １', cmd('vote', '#3 1', '/vote #３ １', '#３ １')],
  ['trailing Chinese period', '/help。', cmd('help', '', '/help。', '')],
  ['trailing ASCII period after args', '/checkin #3 +1 走访.', cmd('checkin', '#3 +1 走访', '/checkin #3 +1 走访.', '#3 +1 走访')],
  ['extra spaces collapse', '/checkin   #3    +1   走访', cmd('checkin', '#3 +1 走访', '/checkin   #3    +1   走访', '#3    +1   走访')],
  ['ideographic spaces', '/checkin\u3000#3\u3000+2', cmd('checkin', '#3 +2', '/checkin\u3000#3\u3000+2', '#3\u3000+2')],
  ['Chinese comma between name and args', '/pledge，帮扶困难户', cmd('pledge', '帮扶困难户', '/pledge，帮扶困难户')],
  ['Chinese comma inside args is folded, raw kept', '/pledge 帮扶困难户，每月走访', cmd('pledge', '帮扶困难户,每月走访', '/pledge 帮扶困难户，每月走访', '帮扶困难户，每月走访')],
  ['full-width pipes', '/poll 谁去｜张三｜李四', cmd('poll', '谁去|张三|李四', '/poll 谁去｜张三｜李四', '谁去｜张三｜李四')],
  ['ASCII name glued to Chinese args', '/pledge帮扶', cmd('pledge', '帮扶', '/pledge帮扶')],
  ['newline separates name and args', '/pledge\n帮扶困难户', cmd('pledge', '帮扶困难户', '/pledge\n帮扶困难户')],
  ['newline inside args is kept', '/suggest 修路\n  装路灯', cmd('suggest', '修路\n装路灯', '/suggest 修路\n  装路灯', '修路\n  装路灯')],
  ['SQL-looking args are just text', "/pledge '; DROP TABLE members; --", cmd('pledge', "'; DROP TABLE members; --", "/pledge '; DROP TABLE members; --")],
  ['slash with a Chinese name', '/帮助', cmd('help', '', '/帮助')],
  ['unknown ASCII command', '/foo', unknown('foo')],
  ['unknown command is lower-cased', '/FOO bar', unknown('foo')],
  ['a path is not a command', '/usr/bin/env', text('/usr/bin/env')],
  ['slash then space', '/ help', text('/ help')],
  ['slash alone', '/', text('/')],
  ['over-long name', `/${'a'.repeat(40)}`, text(`/${'a'.repeat(40)}`)],
  // @botname
  ['addressed to this bot', '/help@xianfeng_bot', cmd('help', '', '/help@xianfeng_bot', '')],
  ['addressed to this bot, any case, with args', '/checkin@XianFeng_Bot #2 +1', cmd('checkin', '#2 +1', '/checkin@XianFeng_Bot #2 +1')],
  ['addressed to another bot', '/help@otherbot', text('/help@otherbot')],
  ['unknown command for another bot', '/foo@otherbot', text('/foo@otherbot')],
  ['unknown command for this bot', '/foo@xianfeng_bot', unknown('foo')],
  // # form
  ['hash Chinese name', '#帮助', cmd('help', '', '#帮助')],
  ['full-width hash', '＃帮助', cmd('help', '', '＃帮助')],
  ['hash with full-width colon', '#打卡：+1 走访', cmd('checkin', '+1 走访', '#打卡：+1 走访')],
  ['hash name glued to +K', '#打卡+1 走访', cmd('checkin', '+1 走访', '#打卡+1 走访')],
  ['hash name glued to an id', '#打卡#3 +1', cmd('checkin', '#3 +1', '#打卡#3 +1')],
  ['Chinese semicolon separator', '#承诺；帮扶', cmd('pledge', '帮扶', '#承诺；帮扶')],
  ['longest alias is its own name', '#承诺榜', cmd('pledges', '', '#承诺榜')],
  ['hash ASCII name', '#help', cmd('help', '', '#help')],
  ['Chinese hashtag is text', '#乡村振兴', text('#乡村振兴')],
  ['hashtag starting with a command word is text', '#帮助中心 开放了', text('#帮助中心 开放了')],
  ['hash id is text', '#3 进度不错', text('#3 进度不错')],
  ['hash alone', '#', text('#')],
  // mention forms
  ['mention + Chinese name', '@先锋 打卡 +1 走访', cmd('checkin', '+1 走访', '@先锋 打卡 +1 走访')],
  ['mention with WeChat four-per-em space', '@先锋\u2005帮助', cmd('help', '', '@先锋\u2005帮助')],
  ['full-width @ and colon', '＠先锋：帮助 打卡', cmd('help', '打卡', '＠先锋：帮助 打卡')],
  ['mention + slash name', '@先锋 /help', cmd('help', '', '@先锋 /help')],
  ['mention + hash name', '@先锋 #请假 家里有事', cmd('rsvp', '家里有事', '@先锋 #请假 家里有事')],
  ['mention by username', '@xianfeng_bot help', cmd('help', '', '@xianfeng_bot help')],
  ['mention + unknown hash word', '@先锋 #不存在', unknown('不存在')],
  ['mention + chat', '@先锋 你好', text('你好', true)],
  ['mention + bare answer', '@先锋 Ａ', text('A', true)],
  ['mention alone', '@先锋', text('', true)],
  ['mention of someone else', '@张三 帮助', text('@张三 帮助')],
  ['mention glued to a word is not our name', '@先锋队 帮助', text('@先锋队 帮助')],
  ['mention not at the start', '请 @先锋 帮助', text('请 @先锋 帮助')],
  // ordinary chat
  ['Chinese word mid-sentence', '今天我打卡了', text('今天我打卡了')],
  ['hash word mid-sentence', '明天 #打卡 吧', text('明天 #打卡 吧')],
  ['command word at the start without sigil', '帮助 一下', text('帮助 一下')],
  ['everyone help', '大家帮助一下', text('大家帮助一下')],
  ['empty', '', text('')],
  ['whitespace only', ' \u3000\n\t ', text('')],
  ['zero-width characters only', '\u200B\u200D\uFEFF', text('')],
  ['bare answer', '选A', text('选A')],
  ['emoji pass through', '👍🏻 好的 👨‍👩‍👧', text('👍🏻 好的 👨‍👩‍👧')],
  ['zero-width inside a command name is removed', '/he\u200Blp', cmd('help', '', '/he\u200Blp')],
  ['10 kB of chat (，folded, final 。 dropped)', TEN_KB, text(TEN_KB.replaceAll('，', ',').replace(/。$/, ''))],
];

describe('parseMessage', () => {
  it('has a table of at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s', (_label, input, expected) => {
    expect(parseMessage(input, opts)).toEqual(expected);
  });

  it('uses the platform mention text when given (Wechaty mentionText)', () => {
    const raw = '@先锋小助手 打卡 #2 +1';
    expect(parseMessage(raw, { ...opts, mentionsBot: true, textWithoutMention: '打卡 #2 +1' })).toEqual(
      cmd('checkin', '#2 +1', raw),
    );
    // Without the flag the unknown display name is not ours: ordinary text.
    expect(parseMessage(raw, opts)).toEqual(text(raw));
  });

  it('accepts configured display names, longest first', () => {
    const o: ParseOptions = { ...opts, botNames: ['先锋', '先锋小助手'] };
    expect(parseMessage('@先锋小助手 帮助', o)).toEqual(cmd('help', '', '@先锋小助手 帮助'));
  });

  it('marks a mention flagged by the platform elsewhere in the text as addressed', () => {
    expect(parseMessage('谢谢 @先锋', { ...opts, mentionsBot: true })).toEqual(text('谢谢 @先锋', true));
  });

  it('treats an unknown hashtag as an unknown command when the chat is private', () => {
    expect(parseMessage('#不存在', { ...opts, addressed: true })).toEqual(unknown('不存在'));
    expect(parseMessage('#不存在', opts)).toEqual(text('#不存在'));
  });

  it('ignores /name@bot when no username is known (not Telegram)', () => {
    expect(parseMessage('/help@xianfeng_bot', { resolve })).toEqual(text('/help@xianfeng_bot'));
  });

  it('calls resolve with lower-cased ASCII names and untouched Chinese ones', () => {
    const seen: string[] = [];
    const spy = (n: string) => {
      seen.push(n);
      return resolve(n);
    };
    parseMessage('/HeLp', { resolve: spy });
    parseMessage('#打卡', { resolve: spy });
    expect(seen).toEqual(['help', '打卡']);
  });

  it('parses 10 kB messages quickly, including adversarial ones', () => {
    const inputs = [
      TEN_KB,
      `/pledge ${TEN_KB}`,
      '/' + 'a'.repeat(10_000),
      '#' + '打'.repeat(10_000),
      '. '.repeat(5_000) + 'x',
      ' '.repeat(10_000) + '。',
      '\u200D'.repeat(10_000),
      '😀'.repeat(5_000),
      '@先锋 ' + '帮助 '.repeat(3_000),
    ];
    const start = performance.now();
    for (let i = 0; i < 10; i++) for (const s of inputs) parseMessage(s, opts);
    const perMessage = (performance.now() - start) / (10 * inputs.length);
    expect(perMessage).toBeLessThan(5);
    expect(parseMessage(`/pledge ${TEN_KB}`, opts)).toMatchObject({ kind: 'command', name: 'pledge' });
  });
});

describe('normalizeForParsing', () => {
  it.each([
    ['ＡＢＣ　１２３', 'ABC 123'],
    ['＃＠／｜：，＋－', '#@/|:,+-'],
    ['1、3', '1,3'],
    ['  a \t b  ', 'a b'],
    ['第一行\r\n\r\n  第二行', '第一行\n第二行'],
    ['好的。', '好的'],
    ['好的。。。', '好的'],
    ['句子。中间。', '句子。中间'],
    ['95.5', '95.5'],
    ['a\u0000b\u0007c\u001Bd', 'abcd'],
    ['x\u200By\u2060z\uFEFF', 'xyz'],
    ['a\u200Db', 'ab'],
    ['👨\u200D👩\u200D👧', '👨\u200D👩\u200D👧'],
    ['中文 emoji 😀 不变', '中文 emoji 😀 不变'],
    ['\uF900', '\uF900'], // CJK compatibility ideograph: real NFKC would rewrite it
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForParsing(input)).toBe(expected);
  });
});
