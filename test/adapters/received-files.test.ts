// How received pictures and files become attachment references on DingTalk (by downloadCode, in
// picture, file and rich-text messages) and WeCom (by url, its aeskey kept apart), and the small
// parts of WeCom's download: the Content-Disposition name and the bounded key memory.
import { describe, expect, it } from 'vitest';
import { toIncoming, type RobotCallback } from '../../src/adapters/dingtalk/inbound.ts';
import { fileKeysOf, incomingMessage, type CallbackBody } from '../../src/adapters/wecom/inbound.ts';
import { FileKeys, fileNameOf } from '../../src/adapters/wecom/download.ts';

const now = new Date('2026-03-02T12:30:00Z');
const dingtalk = (extra: Partial<RobotCallback>): RobotCallback => ({ msgId: 'm1', conversationId: 'cid1', conversationType: '2', senderId: 's', senderStaffId: 'staff01', ...extra });
const attachmentsOf = (cb: RobotCallback) => {
  const c = toIncoming(cb, 'dingtalk', now).content;
  return c.type === 'text' ? c.attachments : undefined;
};

describe('DingTalk received files', () => {
  it('a picture, a file and the pictures of rich text are attachments by downloadCode; text stays without', () => {
    expect(attachmentsOf(dingtalk({ msgtype: 'picture', content: { downloadCode: 'dl1' } }))).toEqual([{ kind: 'photo', ref: 'dl1' }]);
    expect(attachmentsOf(dingtalk({ msgtype: 'file', content: { downloadCode: 'dl2', fileName: '签到表.xlsx' } }))).toEqual([{ kind: 'file', ref: 'dl2', name: '签到表.xlsx' }]);
    const rich = dingtalk({ msgtype: 'richText', content: { richText: [{ text: '/minutes #1 议题：春耕' }, { type: 'picture', downloadCode: 'dl3' }, { type: 'picture' }] } });
    expect(attachmentsOf(rich)).toEqual([{ kind: 'photo', ref: 'dl3' }]);
    expect(toIncoming(rich, 'dingtalk', now).content).toMatchObject({ text: '/minutes #1 议题：春耕' });
    expect(attachmentsOf(dingtalk({ msgtype: 'text', text: { content: '/whoami' } }))).toBeUndefined();
    expect(attachmentsOf(dingtalk({ msgtype: 'picture', content: {} }))).toBeUndefined();
  });
});

describe('WeCom received files', () => {
  const body = (extra: CallbackBody): CallbackBody => ({ msgid: 'w1', chattype: 'group', chatid: 'wr1', from: { userid: 'lisi' }, ...extra });
  it('keeps the url as the reference and hands the aeskey apart', () => {
    const mixed = body({ msgtype: 'mixed', mixed: { msg_item: [{ msgtype: 'text', text: { content: '@先锋 会场' } }, { msgtype: 'image', image: { url: 'https://x/1', aeskey: 'k1' } }] } });
    const content = incomingMessage(mixed, '先锋', now)!.content;
    expect(content).toMatchObject({ attachments: [{ kind: 'photo', ref: 'https://x/1' }] });
    expect(JSON.stringify(content)).not.toContain('k1');
    expect(fileKeysOf(mixed)).toEqual([['https://x/1', 'k1']]);
    expect(fileKeysOf(body({ msgtype: 'file', file: { url: 'https://x/2', aeskey: 'k2' } }))).toEqual([['https://x/2', 'k2']]);
    expect(fileKeysOf(body({ msgtype: 'image', image: { url: 'https://x/3' } }))).toEqual([]);
  });

  it('reads the Content-Disposition name (RFC 5987 first) and forgets the oldest keys past its size', () => {
    expect(fileNameOf(`attachment; filename*=UTF-8''${encodeURIComponent('会场 照片.jpg')}`)).toBe('会场 照片.jpg');
    expect(fileNameOf('attachment; filename="plan.pdf"')).toBe('plan.pdf');
    expect(fileNameOf(null)).toBeUndefined();
    expect(fileNameOf('inline')).toBeUndefined();
    const keys = new FileKeys(2);
    keys.remember('a', '1');
    keys.remember('b', '2');
    keys.remember('a', '1'); // seen again: now the newest
    keys.remember('c', '3');
    expect([keys.keyOf('a'), keys.keyOf('b'), keys.keyOf('c')]).toEqual(['1', undefined, '3']);
  });
});
