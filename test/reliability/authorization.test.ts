// The authorization matrix, driven by the command registry: every registered command must have an
// entry in MINIMUM_ROLE below (a new command without one fails this file), its role list must be
// exactly the roles from that minimum up, and every command for secretaries and admins — by its
// name and every alias — is refused for a member and for the masses (an admin-only one for a
// secretary too) with the forbidden reply, writing nothing. Commands open to members are not
// refused for them (a positive control: the refusal check would notice a broken role lookup).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/bot/types.ts';
import type { CommandSpec } from '../../src/bot/feature.ts';
import type { Database } from '../../src/db/client.ts';
import { freshSqlite } from '../support/db.ts';
import { domainRowCounts, startReliabilityBot, type ReliabilityBot } from '../support/reliability.ts';

/**
 * The lowest role that may run each command (spec/commands.md). Roles above it may run it too.
 * Add every new command here: its absence fails the first test.
 */
const MINIMUM_ROLE: Record<string, Role> = {
  // core
  help: 'masses',
  whoami: 'masses',
  setrole: 'secretary',
  bindchat: 'admin',
  // pledges
  pledge: 'member',
  checkin: 'member',
  pledges: 'masses',
  // quizzes
  quiz: 'member',
  answer: 'member',
  rank: 'masses',
  mistakes: 'member',
  // polls
  poll: 'secretary',
  rate: 'secretary',
  vote: 'masses',
  results: 'masses',
  close: 'secretary',
  turnout: 'secretary',
  // meetings
  meeting: 'secretary',
  meetings: 'masses',
  rsvp: 'member',
  leave: 'member',
  attendance: 'secretary',
  // suggestions
  suggest: 'masses',
  suggestions: 'secretary',
  // report
  report: 'secretary',
  export: 'secretary',
};

/** Arguments that would make sense to each command, so a refusal cannot be blamed on the form. */
const SAMPLE_ARGS: Record<string, string> = {
  setrole: '@党员甲 secretary',
  bindchat: '测试支部',
  poll: '问题 | 甲 | 乙',
  rate: '村委会工作',
  close: '#1',
  turnout: '#1',
  meeting: '支部党员大会 | 0 9 * * 1 | 村委会',
  attendance: '#1',
  report: '',
  export: '#1',
};

const rank = (r: Role): number => ROLES.length - 1 - ROLES.indexOf(r); // masses 0 … admin 3
const allowedFrom = (min: Role): Role[] => ROLES.filter((r) => rank(r) >= rank(min));

let db: Database & { file: string };
let bot: ReliabilityBot;
const GROUP = '授权测试支部群';
const MASSES_GROUP = '授权测试群众群';

/** Sends `text` as `user` in `chat` and returns the texts the bot answered there. */
async function say(user: string, chat: string, text: string): Promise<string[]> {
  const before = bot.adapter.textsTo(chat).length;
  await bot.adapter.deliver(bot.adapter.message(user, text, { chat }));
  await bot.app.idle();
  return bot.adapter.textsTo(chat).slice(before);
}

function forbiddenText(spec: CommandSpec<unknown>): string {
  const t = bot.app.translate;
  return t('core.error.forbidden', { roles: spec.roles.map((r) => t(`core.role.${r}`)).join(t('core.listSeparator')) });
}

beforeAll(async () => {
  db = await freshSqlite();
  bot = await startReliabilityBot(db, { env: { BOT_ADMINS: 'console:管理员', BOT_LOCALE: 'zh-CN' } });
  await say('管理员', GROUP, '/bindchat 授权测试支部');
  await say('管理员', MASSES_GROUP, '/bindchat 授权测试群众 masses');
  await say('党员甲', GROUP, '/whoami');
  await say('书记乙', GROUP, '/whoami');
  await say('群众丙', MASSES_GROUP, '/whoami');
  const promoted = await say('管理员', GROUP, '/setrole @书记乙 secretary');
  expect(promoted.join('\n')).toContain('书记乙');
}, 120_000);

afterAll(async () => {
  await bot?.stop();
  await db?.close();
});

describe('authorization matrix from the command registry', () => {
  it('every registered command has an entry in the table, and its roles are exactly that role and up', () => {
    const commands = bot.app.registry.commands;
    expect(commands.length).toBeGreaterThan(3);
    const missing = commands.map((c) => c.name).filter((n) => !(n in MINIMUM_ROLE));
    expect(missing, `commands without an entry in MINIMUM_ROLE: ${missing.join(', ')}`).toEqual([]);
    for (const c of commands) {
      expect([...c.roles].sort(), `roles of /${c.name}`).toEqual(allowedFrom(MINIMUM_ROLE[c.name]!).sort());
    }
  });

  it('the speakers have the roles the matrix is tested with', async () => {
    const roles = Object.fromEntries((await db.db.member.findMany({ select: { name: true, role: true } })).map((m) => [m.name, m.role]));
    expect(roles).toMatchObject({ 管理员: 'admin', 书记乙: 'secretary', 党员甲: 'member', 群众丙: 'masses' });
  });

  it('secretary-and-above commands are refused for members and masses (and admin-only ones for secretaries), by name and alias, writing nothing', async () => {
    const speakers: { user: string; chat: string; role: Role }[] = [
      { user: '党员甲', chat: GROUP, role: 'member' },
      { user: '群众丙', chat: MASSES_GROUP, role: 'masses' },
      { user: '书记乙', chat: GROUP, role: 'secretary' },
    ];
    let checked = 0;
    for (const spec of bot.app.registry.commands) {
      const min = MINIMUM_ROLE[spec.name]!;
      if (rank(min) < rank('secretary')) continue;
      const args = SAMPLE_ARGS[spec.name] ?? '';
      for (const s of speakers) {
        if (rank(s.role) >= rank(min)) continue;
        for (const word of [spec.name, ...spec.aliases]) {
          const before = await domainRowCounts(db);
          const replies = await say(s.user, s.chat, `/${word} ${args}`.trim());
          expect(replies, `/${word} as ${s.role}`).toEqual([forbiddenText(spec)]);
          expect(await domainRowCounts(db), `rows after /${word} as ${s.role}`).toEqual(before);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  }, 300_000);

  it('commands open to members are not refused for a member (positive control)', async () => {
    for (const spec of bot.app.registry.commands) {
      if (rank(MINIMUM_ROLE[spec.name]!) > rank('member')) continue;
      const replies = await say('党员甲', GROUP, `/${spec.name}`);
      expect(replies, `/${spec.name} as member`).not.toContain(forbiddenText(spec));
    }
  }, 300_000);
});
