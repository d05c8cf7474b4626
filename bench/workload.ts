/**
 * What the simulated members say: a township of `chats` village groups with `members` people
 * spread over them. With the pledges and polls features registered, each member has a pledge and
 * each village an open poll, and the measured messages are check-ins and votes; otherwise (early
 * main) core commands and plain chat stand in for them. `chooseWorkload` picks by looking at the
 * command registry, so the benchmark follows main as features land.
 */
import type { CommandRegistry } from '../src/bot/registry.ts';

/** The admin of the simulated township (listed in BOT_ADMINS as `<platform>:<ADMIN>`). */
export const ADMIN = 'bench-admin';

/** A named mix of messages. */
export interface Workload {
  readonly name: string;
  /** Commands the admin sends in each village chat before the run (bind the chat, open a poll). */
  readonly chatSetup: (chat: number) => string[];
  /** What each member says once before the run (registers them; creates their pledge). */
  readonly memberSetup: readonly string[];
  /** The i-th measured message of a member of village `chat` (1-based village number). */
  readonly message: (i: number, chat: number) => string;
  /** The mix in words (for the report). */
  readonly description: string;
}

/** Village chat name of village `k` (1-based). */
export const chatName = (k: number): string => `第${k}村党支部群`;

/** Core-only mix: half /whoami (a reply), half ordinary chat (recorded, ignored). */
export const CORE_WORKLOAD: Workload = {
  name: 'core: /whoami and plain chat',
  chatSetup: (k) => [`/bindchat 第${k}村党支部`],
  memberSetup: ['/whoami'],
  message: (i) => (i % 2 === 0 ? '/whoami' : '今天下午三点在村委会开会，请大家准时参加。'),
  description: '50% /whoami (one reply), 50% plain chat (no reply)',
};

/** Pledges without polls: each member pledges once; half check-ins, half /whoami. */
export const PLEDGES_WORKLOAD: Workload = {
  name: 'pledges: /checkin and /whoami',
  chatSetup: (k) => [`/bindchat 第${k}村党支部`],
  memberSetup: ['/pledge 走访困难群众 目标100000'],
  message: (i) => (i % 2 === 0 ? '/checkin +1 走访李大爷' : '/whoami'),
  description: '50% /checkin +1 (one reply), 50% /whoami (one reply)',
};

/**
 * Check-ins and votes: each member pledges once (`/pledge`), the admin opens one poll per village
 * (poll #k in village k, created in village order); then half the messages are `/checkin +1 …`,
 * half `/vote #k n` (replacing the member's ballot).
 */
export const FEATURE_WORKLOAD: Workload = {
  name: 'features: /checkin and /vote',
  chatSetup: (k) => [`/bindchat 第${k}村党支部`, `/poll 村道硬化先修哪一段 | 东段 | 西段 | 南段`],
  memberSetup: ['/pledge 走访困难群众 目标100000'],
  message: (i, k) => (i % 2 === 0 ? `/checkin +1 走访李大爷` : `/vote #${k} ${1 + (i % 3)}`),
  description: '50% /checkin +1 (one reply), 50% /vote #N k (one reply)',
};

/** The richest workload the registered commands allow: check-ins and votes, then check-ins, then core. */
export function chooseWorkload(registry: CommandRegistry): Workload {
  const has = (...names: string[]) => names.every((n) => registry.get(n) !== undefined);
  if (has('checkin', 'pledge', 'poll', 'vote')) return FEATURE_WORKLOAD;
  if (has('checkin', 'pledge')) return PLEDGES_WORKLOAD;
  return CORE_WORKLOAD;
}
