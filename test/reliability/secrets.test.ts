// Secrets in logs. The whole bot runs with a Telegram token against the fake Bot API server and
// the production logger (src/logger.ts) at level `trace`, every line captured, while things go
// wrong in every way the adapter logs: getUpdates failing, sends answered 500, 403, 429 and 401,
// a send that never returns, a configuration error. The token (and its secret half) must appear in
// no line. With the polls feature registered, members vote in an anonymous poll: no log line may
// name a voter together with the poll.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TelegramAdapter } from '../../src/adapters/telegram/adapter.ts';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import { createLogger } from '../../src/logger.ts';
import { freshSqlite } from '../support/db.ts';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram.ts';

const TOKEN = '987654321:AAH-reliabilitySecretPart_xyz0123456789';
const SECRET_HALF = TOKEN.split(':')[1]!;
const ADMIN: FakeUser = { id: 610001, first_name: '镇', last_name: '管理员' };
const village = { id: -1_003_000_001, title: '东村党支部群' };

let fake: FakeTelegram | undefined;
let app: App | undefined;
let db: Database | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.stop();
  await db?.close();
  app = undefined;
  fake = undefined;
  db = undefined;
});

/** A pino destination that keeps every line. */
function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

async function startBot(lines: Writable): Promise<{ app: App; adapter: TelegramAdapter; fake: FakeTelegram }> {
  fake = new FakeTelegram({ token: TOKEN });
  await fake.start();
  db = await freshSqlite();
  const logger = createLogger('trace', lines as never);
  const config = loadConfig({ DATABASE_URL: db.url, BOT_ADMINS: `telegram:${ADMIN.id}`, BOT_LOCALE: 'zh-CN', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: 'trace' });
  const adapter = new TelegramAdapter({
    token: TOKEN,
    apiRoot: fake.apiRoot,
    logger: logger.child({ platform: 'telegram' }),
    locale: 'zh-CN',
    commands: () => app!.registry.commands.map((c) => ({ name: c.name, description: app!.translate(c.summaryKey) })),
    retryDelayMs: { initial: 5, max: 20 },
    sendTimeoutMs: 300,
  });
  app = createApp({ config, database: db, adapters: [adapter], logger, outbox: { idleMs: 20, rateTimeScale: 100, maxAttempts: 2 } });
  await app.start();
  return { app, adapter, fake };
}

describe('secrets never reach the logs', () => {
  it('the Telegram token appears in no log line, whatever fails', async () => {
    const { stream, lines } = capture();
    const { fake } = await startBot(stream);
    // Each failure in its own private chat, so one held chat does not hide the next failure.
    let next = 620_000;
    const person = (): FakeUser => ({ id: ++next, first_name: `党员${next}` });
    const dm = async (from: FakeUser, text = '/whoami') => fake.waitForConfirmed(fake.injectPrivateMessage({ from, text }).updateId, 30_000);
    const answered = (u: FakeUser, ok: boolean) => fake.waitForCall((c) => c.method === 'sendMessage' && c.chatId === String(u.id) && c.ok === ok, `a ${ok ? 'successful' : 'failed'} send to ${u.id}`, 30_000);

    fake.failNext({ method: 'getUpdates', code: 502, description: 'Bad Gateway' });
    const a = person();
    await dm(a);
    await answered(a, true);
    for (const failure of [
      { code: 500, description: 'Internal Server Error' },
      { code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 },
      { code: 0, description: 'never answered', hang: true },
    ]) {
      const u = person();
      fake.failNext({ method: 'sendMessage', chatId: u.id, ...failure });
      await dm(u);
      await answered(u, true); // retried after the failure
    }
    for (const failure of [
      { code: 403, description: 'Forbidden: bot was blocked by the user' },
      { code: 400, description: 'Bad Request: chat not found' },
      { code: 401, description: 'Unauthorized' },
    ]) {
      const u = person();
      fake.failNext({ method: 'sendMessage', chatId: u.id, ...failure });
      await dm(u, '/help');
      await answered(u, false);
    }
    await new Promise((r) => setTimeout(r, 200));
    await app!.stop();
    app = undefined;

    // A configuration error names the variable, not the value.
    let configError = '';
    try {
      loadConfig({ TELEGRAM_BOT_TOKEN: `${TOKEN} `.repeat(2), TELEGRAM_WEBHOOK_URL: 'not a url' });
    } catch (err) {
      configError = String(err);
    }
    lines.push(configError);

    expect(lines.length).toBeGreaterThan(5);
    // The failures above were logged (so the check below looked at lines that could have leaked).
    const all = lines.join('\n');
    for (const logged of ['Bad Gateway', 'Internal Server Error', 'Too Many Requests', 'aborted', 'blocked by the user', 'chat not found', 'Unauthorized']) expect(all).toContain(logged);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(SECRET_HALF);
      expect(line).not.toContain(encodeURIComponent(TOKEN));
    }
  }, 120_000);

  it('no log line names a voter together with an anonymous poll', async () => {
    const { stream, lines } = capture();
    const { app: running, fake } = await startBot(stream);
    // A renamed or missing command fails here, never skips the check.
    expect(running.registry.get('poll'), '/poll is registered').toBeDefined();
    expect(running.registry.get('vote'), '/vote is registered').toBeDefined();
    const voters: FakeUser[] = Array.from({ length: 12 }, (_, i) => ({ id: 630_000 + i, first_name: `投票人${i}`, username: `voter_${i}` }));
    const send = async (text: string, from: FakeUser) => fake.waitForConfirmed(fake.injectGroupMessage({ chat: village, from, text }).updateId, 30_000);
    await send('/bindchat 东村党支部', ADMIN);
    for (const v of voters) await send('/whoami', v);
    await send('/poll 对村委会工作是否满意 | 满意 | 基本满意 | 不满意 --anon', ADMIN);
    await running.idle('telegram');
    const pollId = (await db!.db.$queryRawUnsafe<{ id: number }[]>('SELECT id FROM "Poll" ORDER BY id DESC LIMIT 1'))[0]!.id;
    const members = await db!.db.member.findMany({ select: { id: true, name: true } });
    const from = lines.length;
    for (const [i, v] of voters.entries()) await fake.waitForConfirmed(fake.injectPrivateMessage({ from: v, text: `/vote #${pollId} ${1 + (i % 3)}` }).updateId, 30_000);
    await running.idle('telegram');

    const voteLines = lines.slice(from);
    expect(voteLines.length).toBeGreaterThan(0);
    const voterMarks = voters.flatMap((v) => [String(v.id), v.first_name, v.username!]);
    const memberIds = members.filter((m) => voters.some((v) => v.first_name === m.name)).map((m) => m.id);
    for (const line of voteLines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const names = voterMarks.some((mark) => line.includes(mark)) || memberIds.some((id) => new RegExp(`"memberId":${id}\\b`).test(line));
      const aboutPoll = line.includes(`#${pollId}`) || new RegExp(`"pollId":${pollId}\\b`).test(line) || /\/vote/.test(line);
      expect(names && aboutPoll, `log line links a voter to anonymous poll #${pollId}: ${JSON.stringify(parsed).slice(0, 300)}`).toBe(false);
    }
  }, 120_000);
});
