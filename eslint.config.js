// Lint rules: typescript-eslint's recommended set, the architecture rule that only adapters
// import a platform SDK (core code imports only CORE_PACKAGES), and short functions in src/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Packages core code (outside src/adapters/) may import. */
const CORE_PACKAGES = ['zod', 'yaml', 'pino', 'node-cron', 'cron-parser', 'better-sqlite3', 'pg', '@prisma/[^/]+', '@resvg/resvg-js', '@embedpdf/fonts-sc', 'csv-parse', 'csv-stringify', 'chinese-days'];

/** Core code imports only CORE_PACKAGES (see below). */
const SDK_PATTERN = { regex: `^(?!\\.|node:|(${CORE_PACKAGES.join('|')})(/|$))`, message: 'Only src/adapters/ may import a platform SDK; core code uses the packages listed in eslint.config.js (CORE_PACKAGES).' };

/** Another slice's files other than its api.ts, seen from a file `up` levels below src/features/. */
function slicePattern(up) {
  const prefix = up.replace(/\./g, '\\.');
  return { regex: `^${prefix}[^./][^/]*/(?!api\\.ts$)`, message: 'A feature slice imports another slice only through its api.ts (see ARCHITECTURE.md, "Slices").' };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/db/generated/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Core code imports only these packages: anything else (a platform SDK) belongs in
      // src/adapters/<name>/, so a new platform needs no change here.
    },
  },
  {
    files: ['src/**'],
    ignores: ['src/adapters/**'],
    rules: {
      // Core code imports only CORE_PACKAGES: anything else (a platform SDK) belongs in
      // src/adapters/<name>/, so a new platform needs no change here.
      'no-restricted-imports': ['error', { patterns: [SDK_PATTERN] }],
    },
  },
  // A feature slice imports another slice only through its `api.ts` (src/features/<slice>/api.ts).
  { files: ['src/features/*/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [SDK_PATTERN, slicePattern('../')] }] } },
  { files: ['src/features/*/*/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [SDK_PATTERN, slicePattern('../../')] }] } },
  // Functions in src/ stay short: never over 80 lines (aim under 60).
  { files: ['src/**/*.ts'], rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] } },
);
