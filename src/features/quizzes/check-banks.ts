/**
 * `npm run banks:check`: loads `prompts/quizzes/`, runs the bank check (`bank-check.ts`) against
 * `docs/sources/`, prints the counts per bank and topic and every problem, and exits 1 when there
 * is any (a bank the loader refuses counts as a problem too).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadBanks } from './banks/load.ts';
import { BankError } from './banks/problems.ts';
import { checkBanks, formatReport } from './bank-check.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const sources = path.join(root, 'docs', 'sources');

try {
  const banks = loadBanks(path.join(root, 'prompts', 'quizzes'));
  const report = checkBanks(banks, (document) => {
    const file = path.join(sources, `${document}.md`);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  });
  console.log(formatReport(report).join('\n'));
  process.exitCode = report.problems.length > 0 ? 1 : 0;
} catch (err) {
  if (!(err instanceof BankError)) throw err;
  console.log(err.message);
  process.exitCode = 1;
}
