// The fake WeCom long-connection server, proven against the official SDK client itself
// (@wecom/aibot-node-sdk's WSClient over a real socket): if these pass, the frames the fake
// speaks are the frames the SDK speaks.
import { WSClient, type WsFrame } from '@wecom/aibot-node-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWecom } from '../support/fake-wecom.ts';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
let fake: FakeWecom;
let client: WSClient | undefined;

beforeEach(async () => {
  fake = new FakeWecom();
  await fake.start();
});

afterEach(async () => {
  client?.removeAllListeners();
  client?.disconnect();
  client = undefined;
  await fake.stop();
});

function connect(secret = fake.secret, heartbeatInterval = 30_000): WSClient {
  client = new WSClient({ botId: fake.botId, secret, wsUrl: fake.url, logger: quiet, heartbeatInterval, maxReconnectAttempts: 0, maxAuthFailureAttempts: 0 });
  client.connect();
  return client;
}

function next<T>(c: WSClient, event: string): Promise<T> {
  return new Promise((resolve) => c.once(event as 'authenticated', ((x: T) => resolve(x)) as () => void));
}

describe('fake WeCom server against the official SDK client', () => {
  it('subscribes with the bot id and secret, and answers heartbeats', async () => {
    const c = connect(fake.secret, 20);
    await next(c, 'authenticated');
    expect(fake.subscribes).toEqual([{ botId: fake.botId, ok: true }]);
    await fake.until(() => fake.received.filter((f) => f.cmd === 'ping').length >= 2, 'two pings');
    expect(c.isConnected).toBe(true);
  });

  it('refuses a wrong secret with an error code the SDK reports as an authentication failure', async () => {
    const c = connect('wrong-secret');
    const err = await next<Error>(c, 'error');
    expect(err.message).toMatch(/^Authentication failed/);
    expect(fake.subscribes[0]!.ok).toBe(false);
  });

  it('pushes a text callback the SDK emits as message.text, and takes a streamed reply on its req_id once', async () => {
    const c = connect();
    await next(c, 'authenticated');
    const got = next<WsFrame>(c, 'message.text');
    const msgid = fake.say('zhangsan', '@先锋 /whoami', { chatId: 'wrGROUP1' });
    const frame = await got;
    expect(frame.body).toMatchObject({ msgid, chatid: 'wrGROUP1', chattype: 'group', from: { userid: 'zhangsan' }, text: { content: '@先锋 /whoami' } });
    const ack = await c.replyStream(frame, 'stream1', '你好', true);
    expect(ack.errcode).toBe(0);
    expect(fake.to('wrGROUP1').map((d) => [d.cmd, d.text])).toEqual([['aibot_respond_msg', '你好']]);
    await expect(c.replyStream(frame, 'stream2', '再来', true)).rejects.toMatchObject({ errcode: 40058 });
  });

  it('takes proactive markdown and template cards, and refuses over the rate limit with 45009', async () => {
    const c = connect();
    await next(c, 'authenticated');
    await c.sendMessage('wrGROUP1', { msgtype: 'markdown', markdown: { content: '通知' } });
    await c.sendMessage('lisi', { msgtype: 'template_card', template_card: { card_type: 'button_interaction', task_id: 't1', main_title: { title: '题' }, button_list: [{ text: 'A', key: '/answer 1' }] } });
    fake.failNextSend('wrGROUP1', 45009);
    await expect(c.sendMessage('wrGROUP1', { msgtype: 'markdown', markdown: { content: 'x' } })).rejects.toMatchObject({ errcode: 45009 });
    expect(fake.deliveries.map((d) => [d.chatId, d.text])).toEqual([['wrGROUP1', '通知'], ['lisi', '题']]);
  });

  it('sends card clicks the SDK emits as template_card_event, and takes the card update on their req_id', async () => {
    const c = connect();
    await next(c, 'authenticated');
    const got = next<WsFrame>(c, 'event.template_card_event');
    fake.click('lisi', { taskId: 't1', eventKey: '/vote #3', optionIds: ['2'] }, 'wrGROUP1');
    const frame = await got;
    expect(frame.body.event.template_card_event).toMatchObject({ event_key: '/vote #3', task_id: 't1', selected_items: { selected_item: [{ option_ids: { option_id: ['2'] } }] } });
    const ack = await c.updateTemplateCard(frame, { card_type: 'vote_interaction', task_id: 't1' }, ['lisi']);
    expect(ack.errcode).toBe(0);
  });

  it('sends enter_chat, and takes a welcome on its req_id', async () => {
    const c = connect();
    await next(c, 'authenticated');
    const got = next<WsFrame>(c, 'event.enter_chat');
    fake.enterChat('wangwu');
    const frame = await got;
    await c.replyWelcome(frame, { msgtype: 'text', text: { content: '欢迎' } });
    expect(fake.to('wangwu').map((d) => [d.cmd, d.text])).toEqual([['aibot_respond_welcome_msg', '欢迎']]);
  });

  it('kicks the old connection with disconnected_event when a second one subscribes', async () => {
    const first = connect();
    await next(first, 'authenticated');
    const kicked = next<WsFrame>(first, 'event.disconnected_event');
    const disconnected = next<string>(first, 'disconnected');
    const second = new WSClient({ botId: fake.botId, secret: fake.secret, wsUrl: fake.url, logger: quiet, maxReconnectAttempts: 0 });
    second.connect();
    await next(second, 'authenticated');
    await kicked;
    expect(await disconnected).toMatch(/New connection/);
    expect(first.isConnected).toBe(false);
    expect(second.isConnected).toBe(true);
    second.disconnect();
  });

  it('takes the SDK\'s chunked media upload (init, chunks, finish) and an image or file message naming the media_id', async () => {
    const c = connect();
    await next(c, 'authenticated');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const image = await c.uploadMedia(png, { type: 'image', filename: 'chart.png' });
    expect((await c.sendMediaMessage('wrGROUP1', 'image', image.media_id)).errcode).toBe(0);
    const big = Buffer.alloc(1_200_000, 'a'); // three chunks of at most 512 KB
    const file = await c.uploadMedia(big, { type: 'file', filename: '结果.csv' });
    expect(fake.received.filter((f) => f.cmd === 'aibot_upload_media_chunk').map((f) => f.body!.chunk_index).sort()).toEqual([0, 0, 1, 2]); // the picture's one chunk, then the file's three
    expect((await c.sendMediaMessage('zhangsan', 'file', file.media_id)).errcode).toBe(0);
    expect(fake.deliveries.map((d) => [d.chatId, d.text, d.media?.bytes.equals(d.media.type === 'image' ? png : big)])).toEqual([
      ['wrGROUP1', '[image chart.png]', true],
      ['zhangsan', '[file 结果.csv]', true],
    ]);
    // A media_id the server never issued, or one of another type, is refused; so is an empty upload.
    await expect(c.sendMediaMessage('wrGROUP1', 'image', 'media_made_up')).rejects.toMatchObject({ errcode: 40007 });
    await expect(c.sendMediaMessage('wrGROUP1', 'image', file.media_id)).rejects.toMatchObject({ errcode: 40007 });
    await expect(c.uploadMedia(Buffer.alloc(0), { type: 'file', filename: 'empty.csv' })).rejects.toBeDefined();
  });

  it("pushes image and mixed callbacks with url and aeskey, and serves the encrypted file the SDK's own downloadFile decrypts", async () => {
    const c = connect();
    await next(c, 'authenticated');
    const photo = Buffer.from('会场照片 '.repeat(40));
    const ref = fake.addFile(photo, { name: '会场.jpg' });
    const image = next<WsFrame>(c, 'message.image');
    fake.say('zhangsan', '', { image: ref });
    expect((await image).body).toMatchObject({ msgtype: 'image', image: { url: ref.url, aeskey: ref.aeskey } });
    const mixed = next<WsFrame>(c, 'message.mixed');
    fake.say('zhangsan', '@先锋 会场', { chatId: 'wrGROUP1', image: ref });
    expect((await mixed).body).toMatchObject({ msgtype: 'mixed', mixed: { msg_item: [{ msgtype: 'text', text: { content: '@先锋 会场' } }, { msgtype: 'image', image: { url: ref.url } }] } });
    const got = await c.downloadFile(ref.url, ref.aeskey);
    expect(got.buffer.equals(photo)).toBe(true);
    expect(got.filename).toBe('会场.jpg');
    // Another key does not give the photo (the padding check almost always throws; if not, the bytes differ).
    const wrongKey = fake.addFile(Buffer.from('x')).aeskey;
    expect(await c.downloadFile(ref.url, wrongKey).then((r) => r.buffer.equals(photo), () => false)).toBe(false);
  });
});
