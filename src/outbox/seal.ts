/**
 * Sealing secrets while they wait in the outbox. A message marked `ephemeral` (a receipt code) is
 * stored encrypted (AES-256-GCM) under a key that exists only in this process's memory, and
 * erased once delivered or given up: a copy of the database files holds no readable code, even
 * of a receipt not yet delivered. After a restart the key is gone: such a message cannot be
 * opened and is dropped (the ballot it belongs to is unaffected; its voter keeps no code).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { QueuedMessage } from '../bot/types.ts';

/** This process's key; never written anywhere. */
const KEY = randomBytes(32);

/** The stored form of a sealed message. */
interface Sealed {
  readonly sealed: 1;
  readonly iv: string;
  readonly box: string;
  readonly tag: string;
}

/** The payload to store for `message`: sealed when it is an ephemeral text, else its JSON. */
export function payloadOf(message: QueuedMessage): string {
  const json = JSON.stringify(message);
  if (message.kind !== 'text' || !message.ephemeral) return json;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv);
  const box = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  const sealed: Sealed = { sealed: 1, iv: iv.toString('base64'), box: box.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  return JSON.stringify(sealed);
}

/** The message a stored payload holds; null when it is sealed under another process's key. */
export function messageOf(payload: string): QueuedMessage | null {
  const raw = JSON.parse(payload) as QueuedMessage | Sealed;
  if (!('sealed' in raw)) return raw;
  try {
    const decipher = createDecipheriv('aes-256-gcm', KEY, Buffer.from(raw.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(raw.tag, 'base64'));
    const json = Buffer.concat([decipher.update(Buffer.from(raw.box, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(json) as QueuedMessage;
  } catch {
    return null;
  }
}
