/**
 * WeCom template cards for the bot's interactive messages, and back: a poll is a `vote_interaction`
 * card (checkboxes + submit), a quiz question or a short row of buttons a `button_interaction`
 * card (one tap), a longer row of buttons a single-choice vote card. Every card's keys carry the
 * command a click stands for, so a `template_card_event` decodes to the same `/vote #12 3` or
 * `/answer …` text as a button press on any other platform, with no state needed.
 */
import crypto from 'node:crypto';
import type { Button, OutgoingMessage } from '../../bot/types.ts';

/** The parts of a WeCom template card this adapter writes (the SDK's `TemplateCard`, narrowed). */
export interface Card {
  card_type: 'button_interaction' | 'vote_interaction';
  task_id: string;
  source?: { desc: string };
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  button_list?: { text: string; style?: number; key: string }[];
  checkbox?: { question_key: string; mode: 0 | 1; disable?: boolean; option_list: { id: string; text: string; is_checked?: boolean }[] };
  submit_button?: { text: string; key: string };
}

/** What a click sent: the key of the button or submit button, and the option ids ticked. */
export interface CardClick {
  readonly taskId: string;
  readonly eventKey: string;
  readonly optionIds: readonly string[];
}

/** At most this many buttons fit a `button_interaction` card. */
const MAX_BUTTONS = 6;
/** At most this many options fit a vote card's checkbox. */
const MAX_CARD_OPTIONS = 20;
/** The submit key prefix of a vote card built from plain buttons: the commands, one per option. */
const COMMANDS_KEY = 'cmds:';
const COMMANDS_SEPARATOR = '\n';
const TITLE_CHARS = 26;
const SUBTITLE_CHARS = 112;
const BUTTON_CHARS = 20;

/** A fresh task id: unique per bot, letters, digits and `_-@` only, at most 128 bytes. */
export function newTaskId(): string {
  return `xf_${Date.now().toString(36)}_${crypto.randomBytes(6).toString('hex')}`;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Title and subtitle of a card from a text: the first line titles it, the rest (or the cut-off title) follows. */
function titled(text: string): Pick<Card, 'main_title' | 'sub_title_text'> {
  const [first = '', ...rest] = text.split('\n');
  const title = cut(first, TITLE_CHARS);
  const lines = title === first ? rest : [first, ...rest];
  const sub = lines.join('\n').trim();
  return sub ? { main_title: { title }, sub_title_text: cut(sub, SUBTITLE_CHARS) } : { main_title: { title } };
}

/** A card of buttons for a text with inline buttons (an anonymous ballot, a rating's scores). */
export function buttonsCard(text: string, rows: readonly (readonly Button[])[], taskId: string, source: string): Card {
  const buttons = rows.flat();
  const base = { task_id: taskId, source: { desc: source }, ...titled(text) };
  if (buttons.length <= MAX_BUTTONS) {
    return { ...base, card_type: 'button_interaction', button_list: buttons.map((b) => ({ text: cut(b.label, BUTTON_CHARS), style: 1, key: b.command })) };
  }
  const commands = buttons.slice(0, MAX_CARD_OPTIONS).map((b) => b.command);
  return {
    ...base,
    card_type: 'vote_interaction',
    checkbox: { question_key: 'q', mode: 0, option_list: buttons.slice(0, MAX_CARD_OPTIONS).map((b, i) => ({ id: String(i + 1), text: cut(b.label, BUTTON_CHARS) })) },
    submit_button: { text: SUBMIT_TEXT, key: COMMANDS_KEY + commands.join(COMMANDS_SEPARATOR) },
  };
}

/** What the submit button says before and after a click, and once the poll is closed. */
const SUBMIT_TEXT = '提交';
// Says only that the click counted: an anonymous ballot can never be changed, a named one by clicking again.
const VOTED_TEXT = '已投';
const ANSWERED_TEXT = '已答';
const CLOSED_TEXT = '已结束';

/** A vote card for a poll: one checkbox per option (multi-choice when the poll is), submit sends the vote. */
export function pollCard(message: Extract<OutgoingMessage, { kind: 'poll' }>, taskId: string, source: string): Card {
  return {
    card_type: 'vote_interaction',
    task_id: taskId,
    source: { desc: source },
    ...titled(message.question),
    checkbox: {
      question_key: 'q',
      mode: message.multiple ? 1 : 0,
      option_list: message.options.slice(0, MAX_CARD_OPTIONS).map((o, i) => ({ id: String(i + 1), text: cut(`${i + 1}. ${o}`, BUTTON_CHARS) })),
    },
    submit_button: { text: SUBMIT_TEXT, key: message.answerCommand },
  };
}

/** A quiz question: one button per option (a vote card when there are more than fit). */
export function quizCard(message: Extract<OutgoingMessage, { kind: 'quiz' }>, taskId: string, source: string): Card {
  const letters = 'ABCDEFGHIJKLMNOPQRST';
  const buttons = message.options.map((o, i) => ({ label: `${letters[i] ?? i + 1}. ${o}`, command: `${message.answerCommand} ${i + 1}` }));
  return buttonsCard(message.question, [buttons], taskId, source);
}

/** The command a click stands for, or undefined when the click carries nothing this bot sent. */
export function clickCommand(click: CardClick): string | undefined {
  const key = click.eventKey.trim();
  if (key.startsWith(COMMANDS_KEY)) {
    const commands = key.slice(COMMANDS_KEY.length).split(COMMANDS_SEPARATOR);
    const chosen = click.optionIds.map((id) => commands[Number(id) - 1]).filter((c): c is string => !!c);
    return chosen.length === 1 ? chosen[0] : undefined;
  }
  if (!key.startsWith('/')) return undefined;
  if (click.optionIds.length === 0) return key; // a button: its key is the whole command
  const numbers = click.optionIds.filter((id) => /^\d{1,2}$/.test(id));
  return numbers.length ? `${key} ${numbers.join(' ')}` : undefined;
}

/**
 * The card as the clicker should see it now: their choice ticked (or their button marked) and the
 * submit button saying so; closed polls disabled with `已结束`. Only the clicker's copy is
 * replaced, so an anonymous choice is seen by its voter alone.
 */
export function clickedCard(card: Card, click: CardClick, closed: boolean): Card {
  if (card.card_type === 'button_interaction') {
    const mark = closed ? CLOSED_TEXT : ANSWERED_TEXT;
    return {
      ...card,
      button_list: (card.button_list ?? []).map((b) => (b.key === click.eventKey ? { ...b, text: cut(`✓ ${mark} ${b.text}`, BUTTON_CHARS), style: 2 } : b)),
    };
  }
  const chosen = new Set(click.optionIds);
  return {
    ...card,
    checkbox: card.checkbox && {
      ...card.checkbox,
      disable: closed,
      option_list: card.checkbox.option_list.map((o) => ({ ...o, is_checked: chosen.has(o.id) })),
    },
    submit_button: card.submit_button && { ...card.submit_button, text: closed ? CLOSED_TEXT : VOTED_TEXT },
  };
}
