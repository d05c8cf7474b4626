// Lint rules: typescript-eslint's recommended set, plus the architecture rule that only adapters
// import a platform SDK.
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
);
