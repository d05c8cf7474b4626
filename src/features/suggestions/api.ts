/** What other slices may use of the suggestions slice: counts of open suggestions. */
export { countOpenSuggestions, openSuggestionsByUnit } from './store.ts';
