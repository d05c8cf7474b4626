/**
 * A tiny program the WeChat adapter tests run as a child process, for what only a whole process
 * can show: that `stop()` lets Node exit on its own, and that a crash still crashes the process
 * after a puppet tried to swallow crashes with a global `uncaughtException` listener.
 *
 *   node --import tsx test/support/wechat-child.ts <mode> <dataDir>
 *
 * Modes:
 * - `exit`: start, log in, receive a message, send one, stop; then nothing — Node must exit by itself.
 * - `crash`: start with a puppet that installs a crash-swallowing listener, then throw from a timer;
 *   the process must die of the error (exit code 1).
 * - `control`: the same swallowing listener installed after start (where the adapter does not look):
 *   the throw is swallowed, proving the simulated puppet really would hide crashes.
 */
import pino from 'pino';
import { PuppetMock } from 'wechaty-puppet-mock';
import { WechatAdapter } from '../../src/adapters/wechat.ts';
import type { Incoming } from '../../src/bot/types.ts';
import { createMockedWechat, Recorder } from './wechat-mock.ts';

const [mode, dataDir] = process.argv.slice(2);
if (!mode || !dataDir) {
  console.error('usage: wechat-child.ts <exit|crash|control> <dataDir>');
  process.exit(2);
}

/**
 * What wechat4u does when its module loads: log the crash and carry on. (Here it also stops the
 * adapter afterwards, so a swallowed crash ends the child quickly instead of leaving it running.)
 */
function swallowCrashes(): void {
  process.on('uncaughtException', (err) => {
    console.log('uncaughtException', String(err));
    console.log('still alive after the crash');
    void adapter.stop();
  });
}

const logger = pino({ level: 'warn' }, pino.destination(2));
const wx = createMockedWechat();
const events = new Recorder<Incoming>();

if (mode === 'crash') {
  const original = PuppetMock.prototype.onStart;
  PuppetMock.prototype.onStart = async function onStart(this: PuppetMock) {
    swallowCrashes();
    return original.call(this);
  };
}

const adapter = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, printQr: () => {} });
await adapter.start(async (event) => events.push(event));
wx.login();

if (mode === 'exit') {
  const id = wx.say(wx.members['张三']!, '/help');
  await events.find((e) => e.eventId === id, 'the message');
  await adapter.send({ platform: 'wechat', chatId: wx.room.id, kind: 'group' }, { kind: 'text', text: '再见' });
  await wx.sent.until((s) => s.length === 1, 'the send');
  await adapter.stop();
  console.log(JSON.stringify({ stoppedAt: Date.now(), handled: events.items.length, sent: wx.sent.items.length }));
} else if (mode === 'crash' || mode === 'control') {
  if (mode === 'control') swallowCrashes();
  setImmediate(() => {
    throw new Error('fatal-boom');
  });
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
