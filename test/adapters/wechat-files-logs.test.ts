/**
 * What the WeChat adapter leaves on disk and in the log: its files are 0600 in a 0700 directory;
 * Wechaty's own log lines go through our logger (and so through its redaction of the puppet-service
 * token), none to the console; WeChat errors are scrubbed of the token; a logout is reported to the
 * admins once and the QR login URL of the next scan is logged.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { log as wechatyLog, types } from 'wechaty';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WechatAdapter, WECHAT_SESSION_NAME, sessionFile } from '../../src/adapters/wechat/adapter.ts';
import { ensurePrivateFile } from '../../src/adapters/wechat/private-files.ts';
import type { IdentityLinks } from '../../src/bot/identity-links.ts';
import { createLogger } from '../../src/logger.ts';
import { captureLogger, createMockedWechat, loggedIn, Recorder, UNPACED } from '../support/wechat-mock.ts';

const TOKEN = 'puppet_service_secret_token_42';
let root: string;
let adapters: WechatAdapter[] = [];

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'xianfeng-wechat-files-'));
});

afterEach(async () => {
  for (const a of adapters) await a.stop();
  adapters = [];
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

/** Identity links that record what the admins are told. */
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

describe('WeChat files and logs', () => {
  it('creates the data directory 0700 and the session file 0600 (and tightens an existing looser one)', async () => {
    const dataDir = path.join(root, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const wx = createMockedWechat();
    const { logger, lines } = captureLogger();
    const adapter = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, printQr: () => {}, pacing: UNPACED });
    adapters.push(adapter);
    await adapter.start(async () => {});
    wx.login();
    await loggedIn(lines);
    await wx.puppet.memory.set('session', { cookie: 'x' });
    await wx.puppet.memory.save();
    const file = sessionFile(path.join(dataDir, WECHAT_SESSION_NAME));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('leaves a shared sticky folder such as /tmp as it is when the session file sits straight in it', async () => {
    const shared = path.join(root, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    await ensurePrivateFile(path.join(shared, 'session.memory-card.json'), '{}');
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    expect(statSync(path.join(shared, 'session.memory-card.json')).mode & 0o777).toBe(0o600);
  });

  it("sends Wechaty's own log lines through our logger, which scrubs the token; nothing goes to the console", async () => {
    const out = new Recorder<string>();
    const stream = new Writable({
      write(chunk: Buffer, _e, done) {
        out.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger('debug', stream, [TOKEN]);
    const consoleSpies = (['log', 'info', 'warn', 'error'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    const wx = createMockedWechat();
    const adapter = new WechatAdapter({ puppet: wx.puppet, puppetToken: TOKEN, dataDir: path.join(root, 'd'), logger, printQr: () => {}, pacing: UNPACED });
    adapters.push(adapter);
    await adapter.start(async () => {});
    wechatyLog.warn('PuppetService', 'gateway refused token %s', TOKEN);
    wechatyLog.error('PuppetService', 'token=%s', TOKEN);
    await out.until((l) => l.some((x) => x.includes('token=')), 'the wechaty error line');
    const text = out.items.join('');
    expect(text).toContain('gateway refused token ***');
    expect(text).toContain('"wechaty":true');
    expect(text).not.toContain(TOKEN);
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  });

  it('scrubs the token from WeChat errors even without a redacting logger', async () => {
    const wx = createMockedWechat();
    const { logger, lines } = captureLogger();
    const adapter = new WechatAdapter({ puppet: wx.puppet, puppetToken: TOKEN, dataDir: path.join(root, 'e'), logger, printQr: () => {}, pacing: UNPACED });
    adapters.push(adapter);
    await adapter.start(async () => {});
    wx.puppet.emit('error', { data: `grpc: token ${TOKEN} is not valid` });
    const line = await lines.find((l) => l.msg === 'WeChat error', 'the error line');
    expect(JSON.stringify(line)).toContain('token *** is not valid');
    expect(JSON.stringify(lines.items.filter((l) => !l.wechaty))).not.toContain(TOKEN);
  });

  it('a logout is reported to the admins once (not per retry) and the next QR code URL is logged', async () => {
    const wx = createMockedWechat();
    const told: string[] = [];
    const { logger, lines } = captureLogger();
    const adapter = new WechatAdapter({
      puppet: wx.puppet,
      dataDir: path.join(root, 'f'),
      logger,
      printQr: () => {},
      pacing: UNPACED,
      links: { identities: recordingLinks(told), translate: (key, vars) => `${key} ${JSON.stringify(vars ?? {})}` },
    });
    adapters.push(adapter);
    await adapter.start(async () => {});
    wx.login();
    await loggedIn(lines);
    await wx.logout('被踢下线');
    // The puppet retries and reports the logout again: still one report.
    wx.puppet.emit('logout', { contactId: wx.botContact.id, data: 'retry' });
    wx.mocker.scan('https://login.weixin.qq.com/l/again', types.ScanStatus.Waiting);
    const scan = await lines.find((l) => l.msg === 'scan the QR code with WeChat to log in', 'the QR URL');
    expect(scan.url).toBe('https://wechaty.js.org/qrcode/https%3A%2F%2Flogin.weixin.qq.com%2Fl%2Fagain');
    expect(told).toEqual(['wechat.admins.offline {"reason":"被踢下线"}']);
    wx.login();
    await loggedIn(lines, 2);
    expect(told).toHaveLength(2);
    expect(told[1]).toBe('wechat.admins.back {}');
  });
});
