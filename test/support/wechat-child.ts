/**
 * A tiny program the WeChat adapter tests run as a child process, for what only a whole process
 * can show: that stopping lets Node exit on its own, and that a crash still crashes the process
 * after a puppet tried to swallow crashes with a global `uncaughtException` listener.
 *
 *   node --import tsx test/support/wechat-child.ts <mode> <dataDir>
 *
 * Modes:
 * - `exit`: start the adapter, log in, receive a message, send one, stop; then nothing — Node must
 *   exit by itself.
 * - `app`: the same with the whole bot (createApp, SQLite, outbox): `/help` is answered, then
 *   `app.stop()` and the database is closed — Node must exit by itself.
 * - `crash`: start with a puppet that installs a crash-swallowing listener, then throw from a
 *   callback; the process must die of the error (exit code 1).
 * - `control`: the same swallowing listener installed after start (where the adapter does not look):
 *   the throw is swallowed, proving the simulated puppet really would hide crashes.
 */
import { writeSync } from 'node:fs';
import pino from 'pino';
import { PuppetMock } from 'wechaty-puppet-mock';
import { createApp } from '../../src/app.ts';
import { WechatAdapter } from '../../src/adapters/wechat/adapter.ts';
import type { Incoming } from '../../src/bot/types.ts';
import { loadConfig } from '../../src/config.ts';
import { freshSqlite } from './db.ts';
import { captureLogger, createMockedWechat, loggedIn, Recorder } from './wechat-mock.ts';

const [mode, dataDir] = process.argv.slice(2);
if (!mode || !dataDir || !['exit', 'app', 'crash', 'control'].includes(mode)) {
  console.error('usage: wechat-child.ts <exit|app|crash|control> <dataDir>');
  process.exit(2);
}

const logger = pino({ level: 'warn' }, pino.destination(2));

// When the event loop has run dry (Node's teardown after that is not the bot's business).
process.on('exit', () => writeSync(1, `${JSON.stringify({ exitAt: Date.now() })}\n`));
const wx = createMockedWechat();

/**
 * What wechat4u does when its module loads: log the crash and carry on. (Here it also calls
 * `afterwards`, so a swallowed crash ends the child quickly instead of leaving it running.)
 */
function swallowCrashes(afterwards: () => void): void {
  process.on('uncaughtException', (err) => {
    console.log('uncaughtException', String(err));
    console.log('still alive after the crash');
    afterwards();
  });
}

if (mode === 'app') {
  const database = await freshSqlite();
  const config = loadConfig({ DATABASE_URL: database.url, BOT_DATA_DIR: dataDir });
  const captured = captureLogger();
  const wechat = new WechatAdapter({ puppet: wx.puppet, dataDir, logger: captured.logger, printQr: () => {} });
  const app = createApp({ config, database, adapters: [wechat], logger, outbox: { rateTimeScale: 100 } });
  await app.start();
  wx.login();
  await loggedIn(captured.lines);
  wx.say(wx.members['张三']!, '/help');
  await wx.sent.until((s) => s.length === 1, 'the help reply');
  await app.stop();
  await database.close();
  console.log(JSON.stringify({ stoppedAt: Date.now(), sent: wx.sent.items.length }));
} else {
  const events = new Recorder<Incoming>();
  const adapter = new WechatAdapter({ puppet: wx.puppet, dataDir, logger, printQr: () => {} });
  if (mode === 'crash') {
    const original = PuppetMock.prototype.onStart;
    PuppetMock.prototype.onStart = async function onStart(this: PuppetMock) {
      swallowCrashes(() => void adapter.stop());
      return original.call(this);
    };
  }
  await adapter.start(async (event) => events.push(event));
  wx.login();

  if (mode === 'exit') {
    const id = wx.say(wx.members['张三']!, '/help');
    await events.find((e) => e.eventId === id, 'the message');
    await adapter.send({ platform: 'wechat', chatId: wx.room.id, kind: 'group' }, { kind: 'text', text: '再见' });
    await wx.sent.until((s) => s.length === 1, 'the send');
    await adapter.stop();
    console.log(JSON.stringify({ stoppedAt: Date.now(), handled: events.items.length, sent: wx.sent.items.length }));
  } else {
    if (mode === 'control') swallowCrashes(() => void adapter.stop());
    setImmediate(() => {
      throw new Error('fatal-boom');
    });
  }
}
