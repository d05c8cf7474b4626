/**
 * Keys built from parts, still checked by tsc. `PromptKey` (generated, `src/bot/prompt-keys.ts`)
 * lists every key; a key put together at run time (`polls.band.` + a band) is checked against it
 * through these types, so a misspelt or missing key fails `tsc`, not a chat.
 */
import type { PromptKey } from './prompt-keys.ts';

/** The endings of the keys under `Prefix`: `KeySuffix<'core.role.'>` is `'admin' | 'member' | …`. */
export type KeySuffix<Prefix extends string> = PromptKey extends infer K ? (K extends `${Prefix}${infer Rest}` ? Rest : never) : never;

/** The keys that have a `<key>Mention` sibling (the hint for groups that show the bot only @-mentions). */
export type HintKey = { [K in PromptKey]: `${K}Mention` extends PromptKey ? K : never }[PromptKey];

/** The key `prefix` + `suffix`, where tsc has checked that the suffix ends a key under the prefix. */
export function promptKey<Prefix extends string, Suffix extends KeySuffix<Prefix>>(prefix: Prefix, suffix: Suffix): `${Prefix}${Suffix}` {
  return `${prefix}${suffix}`;
}
