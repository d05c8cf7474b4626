// Lint rules: typescript-eslint's recommended set, the architecture rule that only adapters
// import a platform SDK (core code imports only CORE_PACKAGES), and short functions in src/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Packages core code (outside src/adapters/) may import. */
const CORE_PACKAGES = ['zod', 'yaml', 'pino', 'node-cron', 'cron-parser', 'better-sqlite3', 'pg', '@prisma/[^/]+', '@resvg/resvg-js', '@embedpdf/fonts-sc', 'csv-parse', 'csv-stringify', 'chinese-days'];

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
      'no-restricted-imports': ['error', { patterns: [{ regex: `^(?!\\.|node:|(${CORE_PACKAGES.join('|')})(/|$))`, message: 'Only src/adapters/ may import a platform SDK; core code uses the packages listed in eslint.config.js (CORE_PACKAGES).' }] }],
    },
  },
  // Functions in src/ stay short: never over 80 lines (aim under 60).
  { files: ['src/**/*.ts'], rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] } },
);
