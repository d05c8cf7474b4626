// The fake DingTalk is checked against the official SDK: the unmodified `DWClient` of
// dingtalk-stream 2.1.5 (only its gateway address, a constant in the SDK, is pointed at the fake
// by overriding getEndpoint with the SDK's own request) connects, answers a SYSTEM ping, receives
// a robot CALLBACK and acknowledges it with `socketCallBackResponse`; an unacknowledged one is
// pushed again.
import axios from 'axios';
import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeDingTalk } from '../support/fake-dingtalk.ts';

class SdkAgainstFake extends DWClient {
  constructor(private readonly root: string, id: string, secret: string) {
    super({ clientId: id, clientSecret: secret });
  }
  // The SDK's getEndpoint, verbatim but for GATEWAY_URL.
  override async getEndpoint(): Promise<this> {
    const res = await axios({ url: `${this.root}/v1.0/gateway/connections/open`, method: 'POST', responseType: 'json', data: { clientId: this.config.clientId, clientSecret: this.config.clientSecret, ua: this.config.ua, subscriptions: this.config.subscriptions }, headers: { Accept: 'application/json' } });
    const { endpoint, ticket } = res.data as { endpoint: string; ticket: string };
    (this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${ticket}`;
    return this;
  }
}

let fake: FakeDingTalk | undefined;
let client: DWClient | undefined;
afterEach(async () => {
  client?.disconnect();
  await fake?.stop();
  fake = client = undefined;
});

describe('fake DingTalk against the official dingtalk-stream SDK', () => {
  it('serves the gateway, ping, callbacks, acknowledgements and re-pushes as the SDK expects', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    fake = new FakeDingTalk();
    await fake.start();
    const sdk = new SdkAgainstFake(fake.root, fake.clientId, fake.clientSecret);
    client = sdk;
    const frames: DWClientDownStream[] = [];
    let ackNow = false;
    sdk.registerCallbackListener(TOPIC_ROBOT, (frame) => {
      frames.push(frame);
      if (ackNow) sdk.socketCallBackResponse(frame.headers.messageId, { ok: true });
    });
    await sdk.connect();
    await fake.until(() => fake!.connected === 1, 'connection');
    expect(sdk.connected).toBe(true);

    const ping = fake.ping();
    await fake.until(() => fake!.pongs.has(ping), 'pong');

    const first = fake.say({ conversationId: 'cidGroup1', group: true, staffId: 'staff01', nick: '张伟', text: '/whoami' });
    await fake.until(() => frames.length === 1, 'callback');
    const data = JSON.parse(frames[0]!.data) as { msgId: string; text: { content: string }; conversationType: string; isInAtList: boolean };
    expect(data).toMatchObject({ msgId: first.msgId, conversationType: '2', isInAtList: true, text: { content: ' /whoami' } });
    expect(fake.acks.size).toBe(0);

    ackNow = true;
    expect(fake.redeliverUnacknowledged()).toBe(1);
    await fake.until(() => fake!.acks.has(first.messageId), 'ack');
    expect(frames).toHaveLength(2);
    expect(frames[1]!.headers.messageId).toBe(first.messageId);
    expect(JSON.parse(fake.acks.get(first.messageId)!)).toEqual({ response: { ok: true } });
    expect(fake.redeliverUnacknowledged()).toBe(0);
  });

  it('refuses a wrong secret at the gateway, issues tokens and checks them on send', async () => {
    fake = new FakeDingTalk();
    await fake.start();
    const bad = await fetch(`${fake.root}/v1.0/gateway/connections/open`, { method: 'POST', body: JSON.stringify({ clientId: fake.clientId, clientSecret: 'wrong', subscriptions: [] }) });
    expect(bad.status).toBe(401);
    const tok = (await (await fetch(`${fake.root}/v1.0/oauth2/accessToken`, { method: 'POST', body: JSON.stringify({ appKey: fake.clientId, appSecret: fake.clientSecret }) })).json()) as { accessToken: string };
    const send = (token: string) =>
      fetch(`${fake!.root}/v1.0/robot/groupMessages/send`, { method: 'POST', headers: { 'x-acs-dingtalk-access-token': token }, body: JSON.stringify({ robotCode: fake!.clientId, openConversationId: 'cid1', msgKey: 'sampleText', msgParam: JSON.stringify({ content: 'hi' }) }) });
    expect((await send(tok.accessToken)).status).toBe(200);
    fake.revokeTokens();
    expect((await send(tok.accessToken)).status).toBe(401);
    expect(fake.sent).toEqual([expect.objectContaining({ route: 'group', target: 'cid1', content: 'hi' })]);
  });

  it('delivers pictures with a downloadCode to the SDK and serves messageFiles/download as DingTalk does: token, robotCode and code checked, then the URL', async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    let now = Date.parse('2026-03-02T12:00:00Z');
    fake = new FakeDingTalk({ now: () => now });
    await fake.start();
    const sdk = new SdkAgainstFake(fake.root, fake.clientId, fake.clientSecret);
    client = sdk;
    const frames: DWClientDownStream[] = [];
    sdk.registerCallbackListener(TOPIC_ROBOT, (frame) => (frames.push(frame), sdk.socketCallBackResponse(frame.headers.messageId, {})));
    await sdk.connect();
    await fake.until(() => fake!.connected === 1, 'connection');
    fake.addFile('dl-1', Buffer.from('照片'));
    fake.say({ conversationId: 'staff01', group: false, staffId: 'staff01', nick: '张伟', text: '', picture: 'dl-1' });
    fake.say({ conversationId: 'cidGroup1', group: true, staffId: 'staff01', nick: '张伟', text: '会场', picture: 'dl-1' });
    await fake.until(() => frames.length === 2, 'the two picture callbacks');
    expect(JSON.parse(frames[0]!.data)).toMatchObject({ msgtype: 'picture', content: { downloadCode: 'dl-1' } });
    expect(JSON.parse(frames[1]!.data)).toMatchObject({ msgtype: 'richText', content: { richText: [{ text: '会场' }, { type: 'picture', downloadCode: 'dl-1' }] } });

    const tok = (await (await fetch(`${fake.root}/v1.0/oauth2/accessToken`, { method: 'POST', body: JSON.stringify({ appKey: fake.clientId, appSecret: fake.clientSecret }) })).json()) as { accessToken: string };
    const ask = (token: string, body: Record<string, unknown>) => fetch(`${fake!.root}/v1.0/robot/messageFiles/download`, { method: 'POST', headers: { 'x-acs-dingtalk-access-token': token }, body: JSON.stringify(body) });
    expect((await ask('not-a-token', { downloadCode: 'dl-1', robotCode: fake.clientId })).status).toBe(401);
    expect((await ask(tok.accessToken, { downloadCode: 'dl-1', robotCode: 'another-robot' })).status).toBe(400);
    expect((await ask(tok.accessToken, { downloadCode: 'dl-unknown', robotCode: fake.clientId })).status).toBe(400);
    const ok = (await (await ask(tok.accessToken, { downloadCode: 'dl-1', robotCode: fake.clientId })).json()) as { downloadUrl: string };
    const file = await fetch(ok.downloadUrl);
    expect(file.headers.get('content-length')).toBe(String(Buffer.byteLength('照片')));
    expect(await file.text()).toBe('照片');
    now += 2 * 3_600_000; // the temporary URL has expired
    expect((await fetch(ok.downloadUrl)).status).toBe(403);
  });
});
