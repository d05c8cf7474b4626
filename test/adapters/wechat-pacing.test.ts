/**
 * Pacing against bans, measured: a township's day (notices, quiz questions, reminders, replies)
 * for 33 village groups goes through the real WeChat adapter on the real Wechaty and
 * wechaty-puppet-mock, on a manual clock, paced as the outbox does it (its rate limiter, and a
 * `rate_limited` answer retried after the wait asked for). Times are those at which the mocked
 * WeChat received each message. Every room keeps its gap with jitter and its daily cap; the account
 * keeps its cap; what a cap held back goes the next day and is reported once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WechatAdapter } from '../../src/adapters/wechat/adapter.ts';
import { DEFAULT_PACING, Pacer, dayOf } from '../../src/adapters/wechat/pacing.ts';
import { DeliveryError } from '../../src/bot/adapter.ts';
import type { IdentityLinks } from '../../src/bot/identity-links.ts';
import type { ChatRef } from '../../src/bot/types.ts';
import { ManualClock } from '../../src/clock.ts';
import { RateLimiter } from '../../src/outbox/rate-limiter.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { captureLogger, createMockedWechat, loggedIn, type MockedWechat } from '../support/wechat-mock.ts';
import { seededRandom } from '../support/seeded-random.ts';

let dataDir: string;
let adapter: WechatAdapter | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'xianfeng-wechat-pacing-'));
});

afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Identity links that only record what the admins are told (this test is about sending). */
function recordingLinks(told: string[]): IdentityLinks {
  return {
    knownPeople: async () => [],
    boundChats: async () => [],
    memberIdOf: async () => null,
    relinkMember: async () => 'unknown',
    relinkChat: async () => 'unknown',
    notifyAdmins: async (text) => {
      told.push(text);
      return 1;
    },
  };
}

interface Job {
  readonly chat: ChatRef;
  readonly at: number;
  readonly text: string;
}

/** Start of the simulated day: 2026-12-03 00:00 China time. */
const DAY_START = Date.parse('2026-12-02T16:00:00Z');
const at = (hhmm: string) => DAY_START + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;

/** A township's day: per village a notice, 5 quiz questions, 8 replies, a meeting notice, a reminder, quiz results; 10 private reminders; one village's secretary posts 30 extra notices. */
function townshipDay(wx: MockedWechat, random: () => number): Job[] {
  const jobs: Job[] = [];
  const rooms = Object.entries(wx.rooms);
  for (const [topic, room] of rooms) {
    const chat: ChatRef = { platform: 'wechat', chatId: room.id, kind: 'group', title: topic };
    const add = (time: number, text: string) => jobs.push({ chat, at: time, text });
    add(at('07:30'), `【通知】${topic}：今天上午九点镇党委召开冬季安全生产会议。`);
    for (let q = 1; q <= 5; q++) add(at('08:00'), `每日一题 第${q}题：党的最高领导机关是什么？回复 A、B 或 C。`);
    for (let r = 0; r < 8; r++) add(at('09:00') + Math.floor(random() * 11 * 3_600_000), `回复 ${r + 1}：已记录。`);
    add(at('12:00'), `【会议】${topic}：周五下午三点在村委会开支部党员大会。`);
    add(at('18:00'), '【提醒】今天还没打卡的同志，请发送“打卡”。');
    add(at('21:00'), '今日答题结果：参与 9 人，全对 6 人。');
  }
  for (const member of Object.values(wx.members)) {
    const chat: ChatRef = { platform: 'wechat', chatId: member.id, kind: 'private' };
    for (let v = 0; v < rooms.length; v++) jobs.push({ chat, at: at('18:00'), text: `【提醒】第${v + 1}村：请记得今天打卡。` });
  }
  const [firstTopic, firstRoom] = rooms[0]!;
  const busy: ChatRef = { platform: 'wechat', chatId: firstRoom.id, kind: 'group', title: firstTopic };
  for (let n = 1; n <= 30; n++) jobs.push({ chat: busy, at: at('10:00'), text: `【补充通知 ${n}】请各户检查电线和取暖设备。` });
  return jobs.sort((a, b) => a.at - b.at);
}

/**
 * Delivers the jobs as the outbox does: per chat in order, each chat's head when its time came,
 * the outbox's rate limits (the adapter's capabilities), a `rate_limited` retried after its wait.
 * Returns when everything is sent.
 */
async function deliverAll(wechat: WechatAdapter, clock: ManualClock, jobs: readonly Job[]): Promise<void> {
  const limiter = new RateLimiter(wechat.capabilities.rateLimits);
  const queues = new Map<string, Job[]>();
  for (const job of jobs) queues.set(job.chat.chatId, [...(queues.get(job.chat.chatId) ?? []), job]);
  const retryAt = new Map<string, number>();
  while ([...queues.values()].some((q) => q.length > 0)) {
    const now = clock.now().getTime();
    let next = Infinity;
    for (const [chatId, queue] of queues) {
      const head = queue[0];
      if (!head) continue;
      const due = Math.max(head.at, retryAt.get(chatId) ?? 0, now + limiter.waitMs(chatId, head.chat.kind === 'group', now));
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      try {
        await wechat.send(head.chat, { kind: 'text', text: head.text });
        limiter.record(chatId, head.chat.kind === 'group', now);
        queue.shift();
        next = Math.min(next, now + 1);
      } catch (err) {
        if (!(err instanceof DeliveryError) || err.kind !== 'rate_limited') throw err;
        retryAt.set(chatId, now + err.retryAfterMs!);
        next = Math.min(next, now + err.retryAfterMs!);
      }
    }
    if (next === Infinity) break;
    clock.set(new Date(Math.max(next, now + 1)));
  }
}

describe('WeChat pacing against bans', () => {
  it('a day of 33 village groups stays within the caps, with a jittered gap in every room; a cap holds the rest to the next day and is reported once', async () => {
    const topics = Array.from({ length: 33 }, (_, i) => `第${i + 1}村党支部`);
    const wx = createMockedWechat({ members: Array.from({ length: 10 }, (_, i) => `党员${i + 1}`), rooms: topics });
    const clock = new ManualClock(new Date(DAY_START));
    const told: string[] = [];
    const { logger, lines } = captureLogger();
    adapter = new WechatAdapter({
      puppet: wx.puppet,
      dataDir,
      logger,
      printQr: () => {},
      clock,
      random: seededRandom(7),
      links: { identities: recordingLinks(told), translate: (key, vars) => `${key} ${JSON.stringify(vars ?? {})}` },
    });
    // Times come from the mocked WeChat: when each message reached it, on the manual clock.
    const received: { roomId?: string; listenerId?: string; at: number }[] = [];
    const origin = wx.sent.push.bind(wx.sent);
    wx.sent.push = (item) => {
      received.push({ ...(item.roomId ? { roomId: item.roomId } : {}), ...(item.listenerId ? { listenerId: item.listenerId } : {}), at: clock.now().getTime() });
      origin(item);
    };
    await adapter.start(async () => {});
    wx.login();
    await loggedIn(lines);

    const jobs = townshipDay(wx, seededRandom(11));
    await deliverAll(adapter, clock, jobs);
    await wx.sent.until((s) => s.length === jobs.length, 'every message of the day');

    const { nextDayAt } = dayOf(DAY_START);
    const today = received.filter((r) => r.at < nextDayAt);
    expect(today.length).toBeLessThanOrEqual(DEFAULT_PACING.accountDailyCap);
    const gaps: number[] = [];
    for (const room of Object.values(wx.rooms)) {
      const times = today.filter((r) => r.roomId === room.id).map((r) => r.at);
      expect(times.length).toBeLessThanOrEqual(DEFAULT_PACING.roomDailyCap);
      for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
    }
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(DEFAULT_PACING.roomGapMs);
    // The jitter: gaps spread over the window, not one fixed interval.
    const spread = new Set(gaps.filter((g) => g < DEFAULT_PACING.roomGapMs + DEFAULT_PACING.jitterMs).map((g) => Math.floor(g / 1000)));
    expect(spread.size).toBeGreaterThanOrEqual(8);

    // The busy village: 47 messages, 40 today, 7 tomorrow; reported once, to the admins and in the log.
    const busy = received.filter((r) => r.roomId === wx.room.id);
    expect(busy).toHaveLength(47);
    expect(busy.filter((r) => r.at < nextDayAt)).toHaveLength(DEFAULT_PACING.roomDailyCap);
    expect(told.filter((t) => t.startsWith('wechat.admins.capped'))).toHaveLength(1);
    expect(lines.items.filter((l) => l.msg.startsWith('WeChat daily cap reached'))).toHaveLength(1);
    // Every other village's day fitted in its day.
    expect(received.filter((r) => r.at >= nextDayAt && r.roomId !== wx.room.id)).toHaveLength(0);

    if (process.env.WECHAT_PACING_REPORT) {
      const lastGroupSend = Math.max(...today.filter((r) => r.roomId).map((r) => r.at));
      const close = gaps.filter((g) => g < DEFAULT_PACING.roomGapMs + DEFAULT_PACING.jitterMs + 2000).sort((a, b) => a - b);
      const perRoom = Object.values(wx.rooms).map((room) => today.filter((r) => r.roomId === room.id).length);
      process.stdout.write(
        `${JSON.stringify({
          messages: jobs.length,
          sentToday: today.length,
          privateToday: today.filter((r) => r.listenerId).length,
          perRoomMax: Math.max(...perRoom),
          perRoomOthers: Math.max(...perRoom.slice(1)),
          minGapMs: Math.min(...gaps),
          medianBackToBackGapMs: close[Math.floor(close.length / 2)],
          maxBackToBackGapMs: close[close.length - 1],
          lastGroupSendChinaTime: new Date(lastGroupSend + 8 * 3_600_000).toISOString().slice(11, 19),
          heldToTomorrow: busy.length - DEFAULT_PACING.roomDailyCap,
        })}\n`,
      );
    }
  });

  it("reads the pacing from the WeChat module's own variables, and refuses nonsense with the variable's name", () => {
    const env = (extra: Record<string, string>) => loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-wechat4u', ...extra }).platforms.env['wechat'];
    expect(env({})).toMatchObject({ WECHAT_ROOM_GAP_SECONDS: 5, WECHAT_ROOM_JITTER_SECONDS: 10, WECHAT_ROOM_DAILY_CAP: 40, WECHAT_ACCOUNT_DAILY_CAP: 1000, WECHAT_RELINK_OVERLAP_PERCENT: 60 });
    expect(env({ WECHAT_ROOM_DAILY_CAP: '25', WECHAT_ROOM_GAP_SECONDS: '' })).toMatchObject({ WECHAT_ROOM_DAILY_CAP: 25, WECHAT_ROOM_GAP_SECONDS: 5 });
    expect(() => env({ WECHAT_ROOM_DAILY_CAP: '0' })).toThrow(ConfigError);
    expect(() => env({ WECHAT_RELINK_OVERLAP_PERCENT: '150' })).toThrow(/WECHAT_RELINK_OVERLAP_PERCENT/);
  });

  it('the pacer: a gap plus jitter per room, private chats ungapped, caps per room and account reset at midnight China time', () => {
    const pacer = new Pacer({ roomGapMs: 1000, jitterMs: 1000, roomDailyCap: 2, accountDailyCap: 4 }, () => 0.5);
    const t0 = DAY_START + 3_600_000;
    expect(pacer.check('r1', true, t0)).toEqual({ ok: true });
    pacer.record('r1', true, t0);
    expect(pacer.check('r1', true, t0 + 1499)).toEqual({ ok: false, waitMs: 1 });
    expect(pacer.check('r2', true, t0)).toEqual({ ok: true });
    pacer.record('p1', false, t0);
    expect(pacer.check('p1', false, t0)).toEqual({ ok: true });
    pacer.record('r1', true, t0 + 1500);
    const { nextDayAt } = dayOf(t0);
    expect(pacer.check('r1', true, t0 + 5000)).toEqual({ ok: false, waitMs: nextDayAt - t0 - 5000, cap: 'room' });
    expect(pacer.check('r2', true, t0 + 5000)).toEqual({ ok: true });
    pacer.record('r2', true, t0 + 5000);
    expect(pacer.check('p2', false, t0 + 5000)).toEqual({ ok: false, waitMs: nextDayAt - t0 - 5000, cap: 'account' });
    expect(pacer.check('r1', true, nextDayAt)).toEqual({ ok: true });
    expect(new Date(nextDayAt).toISOString()).toBe('2026-12-03T16:00:00.000Z');
  });
});
