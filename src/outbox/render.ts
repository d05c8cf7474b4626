import type { Capabilities } from '../bot/adapter.ts';
import type { QueuedMessage } from '../bot/types.ts';

/**
 * Splits a text into pieces of at most `max` characters (code points), on line boundaries where
 * possible, so a long list stays readable in a phone chat. A single line longer than `max` is cut.
 */
export function splitText(text: string, max: number): string[] {
  if ([...text].length <= max) return [text];
  const pieces: string[] = [];
  let current = '';
  let currentLen = 0;
  const flush = () => {
    if (current.trim()) pieces.push(current.replace(/\n+$/, ''));
    current = '';
    currentLen = 0;
  };
  for (const line of text.split('\n')) {
    const chars = [...line];
    if (chars.length > max) {
      flush();
      for (let i = 0; i < chars.length; i += max) pieces.push(chars.slice(i, i + max).join(''));
      continue;
    }
    const add = currentLen === 0 ? chars.length : chars.length + 1;
    if (currentLen + add > max) flush();
    current = currentLen === 0 ? line : `${current}\n${line}`;
    currentLen += currentLen === 0 ? chars.length : chars.length + 1;
  }
  flush();
  return pieces.length ? pieces : [text.slice(0, max)];
}

/** Shortens a text to `max` characters (code points), ending in `…` when cut. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A native poll or quiz needs 2 to `maxPollOptions` options; options too long to tell apart once clipped go as text. */
function fitsNative(options: readonly string[], caps: Capabilities): boolean {
  return options.length >= 2 && options.length <= caps.maxPollOptions && new Set(options.map((o) => clip(o, caps.maxOptionLength))).size === options.length;
}

/**
 * Turns one outgoing message into what this platform can deliver (clipped to its limits): native polls and quizzes where
 * the capabilities allow (and the poll is not anonymous: a bot cannot see anonymous native votes),
 * their numbered-text fallback elsewhere; images and files likewise; buttons dropped where there
 * are none; long texts split. `stop_poll` vanishes where polls are not native.
 */
export function renderFor(message: QueuedMessage, caps: Capabilities): QueuedMessage[] {
  switch (message.kind) {
    case 'text': {
      const buttons = caps.buttons ? message.buttons : undefined;
      const pieces = splitText(message.text, caps.maxTextLength);
      const flag = { ...(message.ephemeral ? { ephemeral: true } : {}), ...(message.priority ? { priority: message.priority } : {}) };
      return pieces.map((text, i) =>
        i === pieces.length - 1 && buttons?.length ? { kind: 'text', text, buttons, ...flag } : { kind: 'text', text, ...flag },
      );
    }
    case 'poll':
      if (caps.nativePolls && !message.anonymous && fitsNative(message.options, caps)) {
        return [{ ...message, question: clip(message.question, caps.maxQuestionLength), options: message.options.map((o) => clip(o, caps.maxOptionLength)) }];
      }
      return renderFor({ kind: 'text', text: message.fallbackText }, caps);
    case 'quiz':
      if (caps.nativeQuiz && fitsNative(message.options, caps)) {
        return [
          {
            ...message,
            question: clip(message.question, caps.maxQuestionLength),
            options: message.options.map((o) => clip(o, caps.maxOptionLength)),
            explanation: clip(message.explanation, caps.maxExplanationLength),
            openSeconds: Math.min(message.openSeconds, caps.maxOpenSeconds),
          },
        ];
      }
      return renderFor({ kind: 'text', text: message.fallbackText }, caps);
    case 'stop_poll':
      return caps.nativePolls || caps.nativeQuiz ? [message] : [];
    case 'image':
      return caps.images ? [message] : renderFor({ kind: 'text', text: message.fallbackText }, caps);
    case 'file':
      return caps.files ? [message] : renderFor({ kind: 'text', text: message.fallbackText }, caps);
    case 'render':
      return (message.produces === 'image' ? caps.images : caps.files) ? [message] : renderFor({ kind: 'text', text: message.fallbackText }, caps);
  }
}
