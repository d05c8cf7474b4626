// Lint rules: typescript-eslint's recommended set, the architecture rule that only adapters
// import a platform SDK, and short functions in src/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'src/db/generated/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'telegraf', message: 'Only src/adapters/ may import telegraf.' },
            { name: 'wechaty', message: 'Only src/adapters/ may import wechaty.' },
          ],
          patterns: [{ group: ['telegraf/*', 'wechaty-*', 'wechaty/*'], message: 'Only src/adapters/ may import platform SDKs.' }],
        },
      ],
    },
  },
  { files: ['src/adapters/**', 'test/**', 'bench/**'], rules: { 'no-restricted-imports': 'off' } },
  // Functions in src/ stay short: never over 80 lines (aim under 60).
  { files: ['src/**/*.ts'], rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] } },
  // TEMPORARY (issue 13): these files are being rewritten by others in parallel (polls by the ballot
  // work, app.ts by the platform-module work); whoever merges their rewrite removes its line here.
  { files: ['src/features/polls/index.ts', 'src/app.ts'], rules: { 'max-lines-per-function': 'off' } },
);
