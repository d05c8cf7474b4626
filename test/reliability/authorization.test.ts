// The authorization matrix, driven by the command registry: every registered command and
// sub-command must have an entry in MINIMUM_ROLE below (a new one without an entry fails this
// file), its minimum role in the registry must be that entry, and each role tries each: a role
// below the minimum gets the refusal (the forbidden reply, or the sub-command's own), by name and
// every alias, writing nothing; a role at or above it is not refused (a positive control: the
// refusal check would notice a broken role lookup). The table is this test's own oracle, written
// from spec/commands.md, not read from the code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/bot/types.ts';
import type { CommandEntry } from '../../src/bot/registry.ts';
import type { Database } from '../../src/db/client.ts';
import { freshSqlite } from '../support/db.ts';
import { domainRowCounts, startReliabilityBot, type ReliabilityBot } from '../support/reliability.ts';

/**
 * The lowest role that may run each command and sub-command (`command sub`), from
 * spec/commands.md. Roles above it may run it too. Add every new one here: its absence fails the
 * first test.
 */
const MINIMUM_ROLE: Record<string, Role> = {
  // core
  help: 'masses',
  whoami: 'masses',
  setrole: 'secretary',
  bindchat: 'admin',
  // pledges
  pledge: 'probationary',
  'pledge --支部': 'secretary',
  'pledge --党委': 'admin',
  checkin: 'probationary',
  pledges: 'masses',
  'pledges 各支部': 'admin',
  'pledges 免提醒': 'secretary',
  'pledges 恢复提醒': 'secretary',
  'pledges 提醒': 'secretary',
  // quizzes
  quiz: 'probationary',
  'quiz import': 'secretary',
  answer: 'probationary',
  rank: 'masses',
  'rank 全镇': 'admin',
  mistakes: 'probationary',
  // polls
  poll: 'secretary',
  rate: 'secretary',
  vote: 'masses',
  results: 'masses',
  close: 'secretary',
  turnout: 'secretary',
  publish: 'secretary',
  exempt: 'secretary',
  review: 'secretary',
  selfreview: 'probationary',
  dues: 'probationary',
  'dues paid': 'secretary',
  'dues import': 'secretary',
  // meetings
  meeting: 'secretary',
  'meeting default': 'admin',
  meetings: 'masses',
  rsvp: 'probationary',
  leave: 'probationary',
  attendance: 'secretary',
  // suggestions
  suggest: 'masses',
  suggestions: 'secretary',
  // report
  report: 'secretary',
  export: 'secretary',
  // tasks
  assign: 'admin',
  duty: 'masses',
  task: 'secretary',
  progress: 'probationary',
  tasks: 'probationary',
  weekly: 'secretary',
  // polls list, records, members
  polls: 'masses',
  minutes: 'probationary',
  ledger: 'probationary',
  members: 'secretary',
  audit: 'admin',
  move: 'secretary',
  remove: 'secretary',
  roster: 'secretary',
  join: 'masses',
  settings: 'secretary',
};

/** What the refusal of a sub-command says (its own prompt key; commands use core.error.forbidden). */
const SUB_REFUSAL: Record<string, string> = {
  'pledge --支部': 'pledges.error.branchRole',
  'pledge --党委': 'pledges.error.townshipRole',
  'pledges 各支部': 'pledges.error.adminOnly',
  'pledges 免提醒': 'pledges.error.secretaryOnly',
  'pledges 恢复提醒': 'pledges.error.secretaryOnly',
  'pledges 提醒': 'pledges.error.secretaryOnly',
  'quiz import': 'quizzes.import.forbidden',
  'rank 全镇': 'quizzes.rank.adminOnly',
  'meeting default': 'meetings.default.adminOnly',
  'dues paid': 'dues.error.notManager',
  'dues import': 'dues.error.notManager',
};

/** Arguments that would make sense to each command, so a refusal cannot be blamed on the form. */
const SAMPLE_ARGS: Record<string, string> = {
  setrole: '@没有这个人 secretary',
  bindchat: '测试支部',
  'pledge --支部': '--支部 授权测试承诺',
  'pledge --党委': '--党委 授权测试承诺',
  'pledges 各支部': '各支部',
  'pledges 免提醒': '免提醒',
  'pledges 恢复提醒': '恢复提醒 @没有这个人',
  'pledges 提醒': '提醒 7 2',
  'quiz import': 'import 授权测试题库 没有这个文件.csv',
  'rank 全镇': '全镇',
  'meeting default': 'default',
  poll: '问题 | 甲 | 乙',
  rate: '村委会工作',
  close: '#1',
  turnout: '#1',
  publish: '#1',
  'dues paid': 'paid @没有这个人 2026-11',
  'dues import': 'import 2026-11',
  meeting: '支部党员大会 | 0 9 * * 1 | 村委会',
  attendance: '#1',
  report: '',
  export: '#1',
  move: '@没有这个人 授权测试支部',
  remove: '@没有这个人',
  roster: 'import\n没有这个人,没有这个单位,党员,2020-01-01',
  join: 'AAAAAAAA',
};

/** The roles, most powerful first, as spec/commands.md ranks them (this test's own order). */
const RANKED: readonly Role[] = ['admin', 'secretary', 'member', 'probationary', 'masses'];
const rank = (r: Role): number => RANKED.length - 1 - RANKED.indexOf(r); // masses 0 … admin 4
const allowedFrom = (min: Role): Role[] => RANKED.filter((r) => rank(r) >= rank(min));

let db: Database & { file: string };
let bot: ReliabilityBot;
const GROUP = '授权测试支部群';
const MASSES_GROUP = '授权测试群众群';
/** Where the admin's allowed attempts run, so they cannot rebind the group the others speak in. */
const ADMIN_CHAT = '授权测试管理群';

/** Who tries each command: one speaker per role. */
const SPEAKERS: readonly { user: string; chat: string; role: Role }[] = [
  { user: '管理员', chat: ADMIN_CHAT, role: 'admin' },
  { user: '书记乙', chat: GROUP, role: 'secretary' },
  { user: '党员甲', chat: GROUP, role: 'member' },
  { user: '预备党员丁', chat: GROUP, role: 'probationary' },
  { user: '群众丙', chat: MASSES_GROUP, role: 'masses' },
];

/** Sends `text` as `user` in `chat` and returns the texts the bot answered there. */
async function say(user: string, chat: string, text: string): Promise<string[]> {
  const before = bot.adapter.textsTo(chat).length;
  await bot.adapter.deliver(bot.adapter.message(user, text, { chat }));
  await bot.app.idle();
  return bot.adapter.textsTo(chat).slice(before);
}

/**
 * The refusal `role` gets for entry `path` (from this test's tables, not the registry): below the
 * command's own minimum, the command's forbidden reply; else a sub-command's own refusal.
 */
function refusalText(path: string, role: Role): string {
  const t = bot.app.translate;
  const command = path.split(' ')[0]!;
  const own = rank(role) < rank(MINIMUM_ROLE[command]!) ? command : path;
  const roles = allowedFrom(MINIMUM_ROLE[own]!).map((r) => t(`core.role.${r}`)).join(t('core.listSeparator'));
  return t(SUB_REFUSAL[own] ?? 'core.error.forbidden', { roles });
}

/** The text that runs entry `e` under the command word `word`. */
function invocation(e: CommandEntry, word: string): string {
  return `/${word} ${SAMPLE_ARGS[e.path] ?? ''}`.trim();
}

beforeAll(async () => {
  db = await freshSqlite();
  // The matrix sends each speaker far more than a minute's commands; flood control has its own test (test/outbox/flood.test.ts).
  bot = await startReliabilityBot(db, { env: { BOT_ADMINS: 'console:管理员', BOT_LOCALE: 'zh-CN', BOT_COMMANDS_PER_MINUTE: '0' } });
  await say('管理员', GROUP, '/bindchat 授权测试支部');
  await say('管理员', MASSES_GROUP, '/bindchat 授权测试群众 masses');
  await say('党员甲', GROUP, '/whoami');
  await say('书记乙', GROUP, '/whoami');
  await say('群众丙', MASSES_GROUP, '/whoami');
  await say('预备党员丁', GROUP, '/whoami');
  const promoted = await say('管理员', GROUP, '/setrole @书记乙 secretary');
  expect(promoted.join('\n')).toContain('书记乙');
  const probationary = await say('管理员', GROUP, '/setrole @预备党员丁 预备党员');
  expect(probationary.join('\n')).toContain('预备党员');
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await db?.close();
});

describe('authorization matrix from the command registry', () => {
  it('every registered command and sub-command has an entry in the table, and the registry gives it that minimum role', () => {
    const entries = bot.app.registry.entries;
    expect(entries.filter((e) => e.sub).length).toBeGreaterThanOrEqual(9);
    const missing = entries.map((e) => e.path).filter((p) => !(p in MINIMUM_ROLE));
    expect(missing, `entries without a line in MINIMUM_ROLE: ${missing.join(', ')}`).toEqual([]);
    const gone = Object.keys(MINIMUM_ROLE).filter((p) => !entries.some((e) => e.path === p));
    expect(gone, `lines of MINIMUM_ROLE the registry no longer has (renamed?): ${gone.join(', ')}`).toEqual([]);
    for (const e of entries) expect(e.minRole, `minimum role of /${e.path}`).toBe(MINIMUM_ROLE[e.path]);
  });

  it('the speakers have the roles the matrix is tested with', async () => {
    const roles = Object.fromEntries((await db.db.member.findMany({ select: { name: true, role: true } })).map((m) => [m.name, m.role]));
    expect(roles).toMatchObject({ 管理员: 'admin', 书记乙: 'secretary', 党员甲: 'member', 预备党员丁: 'probationary', 群众丙: 'masses' });
  });

  it('each role below an entry\'s minimum is refused, by name and alias, writing nothing', async () => {
    let checked = 0;
    for (const e of bot.app.registry.entries) {
      const min = MINIMUM_ROLE[e.path]!;
      for (const s of SPEAKERS) {
        if (rank(s.role) >= rank(min)) continue;
        for (const word of [e.command.name, ...e.command.aliases]) {
          const before = await domainRowCounts(db);
          const replies = await say(s.user, s.chat, invocation(e, word));
          expect(replies, `${invocation(e, word)} as ${s.role}`).toEqual([refusalText(e.path, s.role)]);
          expect(await domainRowCounts(db), `rows after ${invocation(e, word)} as ${s.role}`).toEqual(before);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
  }, 300_000);

  it('each role at or above an entry\'s minimum is not refused (positive control)', async () => {
    let checked = 0;
    for (const e of bot.app.registry.entries) {
      for (const s of SPEAKERS) {
        if (rank(s.role) < rank(MINIMUM_ROLE[e.path]!)) continue;
        const replies = await say(s.user, s.chat, invocation(e, e.command.name));
        const refusals = new Set(RANKED.map((r) => refusalText(e.path, r)));
        expect(replies.filter((r) => refusals.has(r)), `${invocation(e, e.command.name)} as ${s.role}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(60);
  }, 300_000);
});
