// The unit tier (`npm run test:unit`): pure and in-process tests only — no child processes, no
// PostgreSQL, no platform fakes, no bot on a database — for the edit loop (under 60 s on 2 cores).
// `npm test` still runs everything (vitest.config.ts). A new pure test file is added here.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/adapters/wechat-process-guard.test.ts',
      'test/bot/answers.test.ts',
      'test/bot/commands-doc.test.ts',
      'test/bot/grammar.test.ts',
      'test/bot/i18n.test.ts',
      'test/bot/policy.test.ts',
      'test/bot/policy-scan.test.ts',
      'test/bot/text-attachments.test.ts',
      'test/features/care/rules.test.ts',
      'test/features/dues/rules.test.ts',
      'test/features/pledges/parse.test.ts',
      'test/features/pledges/rules.test.ts',
      'test/features/meetings/rules.test.ts',
      'test/features/records/rules.test.ts',
      'test/features/review/rules.test.ts',
      'test/features/polls/chart.test.ts',
      'test/features/polls/evaluation.test.ts',
      'test/features/polls/pure.test.ts',
      'test/features/quizzes/banks.test.ts',
      'test/features/quizzes/csv.test.ts',
      'test/features/quizzes/decisions.test.ts',
      'test/features/quizzes/rules.test.ts',
      'test/features/report/csv.test.ts',
      'test/features/report/rules.test.ts',
      'test/features/suggestions/rules.test.ts',
      'test/features/settings/rules.test.ts',
      'test/ops/intake-records.test.ts',
      'test/outbox/rate-limiter.test.ts',
      'test/outbox/render.test.ts',
      'test/outbox/deferred.test.ts',
      'test/scheduler/config.test.ts',
    ],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
