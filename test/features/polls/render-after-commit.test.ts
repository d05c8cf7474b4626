// Issue 13 item 5: the chart (and every file) is rendered after the event's transaction commits,
// by the outbox when it sends it, so a slow render never holds the database; and it is still sent
// exactly once when the process dies between the commit and the render, or the event is redelivered.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createApp, type App } from '../../../src/app.ts';
import type { Feature, Renderer } from '../../../src/bot/feature.ts';
import { loadConfig } from '../../../src/config.ts';
import { renderChartMessage } from '../../../src/features/polls/chart.ts';
import { RecordingAdapter, TEXT_CAPABILITIES } from '../../support/recording-adapter.ts';
import { announcedId, BRANCH, setUpBranch, startPollsBot, type PollsBot } from './harness.ts';

let bot: PollsBot | undefined;
const extra: App[] = [];
afterEach(async () => {
  for (const a of extra.splice(0)) await a.stop();
  await bot?.stop();
  bot = undefined;
});

/** A chart renderer held at a gate: `started` resolves when a render begins, `open()` lets it finish. */
function gatedRenderer(): { renderer: Renderer; started: Promise<void>; open: () => void; calls: () => number } {
  let calls = 0;
  let markStarted!: () => void;
  let release!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  const gate = new Promise<void>((r) => (release = r));
  const renderer: Renderer = async (input) => {
    calls++;
    markStarted();
    await gate;
    return renderChartMessage(input);
  };
  return { renderer, started, open: () => release(), calls: () => calls };
}

/** The feature list with the polls chart renderer replaced. */
function withChartRenderer(renderer: Renderer) {
  return (defaults: Feature[]) => defaults.map((f) => (f.name === 'polls' ? { ...f, renderers: { 'polls.chart': renderer } } : f));
}

const PICTURES = { ...TEXT_CAPABILITIES, images: true, files: true };

describe('heavy work after commit', () => {
  it('/close commits before its chart is rendered; another chat writes while the render runs; the chart is sent once', async () => {
    const gated = gatedRenderer();
    bot = await startPollsBot({ features: withChartRenderer(gated.renderer) });
    await setUpBranch(bot, '书记', ['甲', '乙']);
    const id = announcedId(await bot.texts('书记', '/poll 修哪条路 | 东线 | 西线'));
    await bot.texts('甲', '1');

    const close = bot.adapter.message('书记', `/close #${id}`, { chat: BRANCH, sentAt: bot.clock.now() });
    expect(await bot.app.handle(close)).toBe('done'); // the transaction committed, no render waited for
    await gated.started;
    const poll = await bot.db.db.poll.findUniqueOrThrow({ where: { id } });
    expect(poll.status).toBe('closed');

    // While the chart is still being rendered, another chat's write goes through at once.
    const pledge = bot.adapter.message('乙', '/pledge 看望王奶奶', { private: true, sentAt: bot.clock.now() });
    expect(await bot.app.handle(pledge)).toBe('done');
    expect(await bot.db.db.pledge.count({ where: { text: { contains: '看望王奶奶' } } })).toBe(1);
    expect(bot.adapter.sent.filter((d) => d.message.kind === 'image')).toHaveLength(0);

    gated.open();
    await bot.app.idle();
    const images = bot.adapter.sent.filter((d) => d.message.kind === 'image');
    expect(images).toHaveLength(1);
    expect(images[0]!.chat.chatId).toBe(BRANCH);
    expect(gated.calls()).toBe(1);
  });

  it('killed between the commit and the render: the restarted bot renders and sends the chart once; a redelivered /close adds nothing', async () => {
    const hanging = gatedRenderer();
    bot = await startPollsBot({ features: withChartRenderer(hanging.renderer) });
    await setUpBranch(bot, '书记', ['甲']);
    const id = announcedId(await bot.texts('书记', '/poll 修哪条路 | 东线 | 西线'));
    await bot.texts('甲', '2');
    const close = bot.adapter.message('书记', `/close #${id}`, { chat: BRANCH, sentAt: bot.clock.now(), eventId: 'close-1' });
    expect(await bot.app.handle(close)).toBe('done');
    await hanging.started; // the "dying" process holds the lease of the chart row and never finishes
    const leased = await bot.db.db.outboxMessage.findFirstOrThrow({ where: { payload: { contains: '"kind":"render"' } } });
    expect(leased.status).toBe('sending');

    // The restart: same instance id (so it takes its old leases back at once), same database file.
    const adapter = new RecordingAdapter('console', PICTURES);
    const restarted = createApp({
      config: loadConfig({ DATABASE_URL: bot.db.url }),
      database: bot.db,
      adapters: [adapter],
      logger: pino({ level: 'silent' }),
      clock: bot.clock,
      instanceId: leased.lockedBy!,
      outbox: { idleMs: 20 },
    });
    extra.push(restarted);
    await restarted.start();
    await restarted.idle();
    expect(await restarted.handle({ ...close })).toBe('duplicate');
    await restarted.idle();
    const images = adapter.sent.filter((d) => d.message.kind === 'image');
    expect(images).toHaveLength(1);
    expect(images[0]!.chat.chatId).toBe(BRANCH);
    expect((await bot.db.db.outboxMessage.findUniqueOrThrow({ where: { id: leased.id } })).status).toBe('sent');
    hanging.open(); // let the old process's stuck pass end before the test tears down
  });

  it('/results shows the chart only when asked (图), the close always', async () => {
    bot = await startPollsBot();
    await setUpBranch(bot, '书记', ['甲']);
    const id = announcedId(await bot.texts('书记', '/poll 修哪条路 | 东线 | 西线'));
    await bot.texts('甲', '1');
    const plain = await bot.say('甲', `/results #${id}`);
    expect(plain.some((d) => d.message.kind === 'image')).toBe(false);
    expect(plain.some((d) => d.message.kind === 'text')).toBe(true);
    const asked = await bot.say('甲', `/results #${id} 图`);
    expect(asked.filter((d) => d.message.kind === 'image')).toHaveLength(1);
    const closed = await bot.say('书记', `/close #${id}`);
    expect(closed.filter((d) => d.message.kind === 'image')).toHaveLength(1);
  });
});
