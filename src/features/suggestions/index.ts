/**
 * The suggestions slice (问需于民): `/suggest 内容` from anyone, masses included; `/suggestions`
 * for secretaries lists them with their status; `/suggestions #N accept|done|decline|open 回复`
 * changes one and tells the sender privately (or, where the platform has no private messages,
 * in the chat they wrote from). The month-end joint meeting notice counts the open ones
 * (`countOpenSuggestions`, api.ts).
 */
import type { Feature } from '../../bot/feature.ts';
import { suggestCommand } from './commands/suggest.ts';
import { suggestionsCommand } from './commands/suggestions.ts';

/** Builds the suggestions feature. */
export function suggestionsFeature(): Feature {
  return { name: 'suggestions', commands: [suggestCommand, suggestionsCommand] };
}
