/**
 * Reads the question banks from the YAML files in `prompts/quizzes/` (one bank per file; adding a
 * bank is adding a file), validated once at start-up. A bad bank stops start-up with a `BankError`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Bank } from './model.ts';
import { parseBanks, type BankSource } from './parse.ts';
import { BankError } from './problems.ts';

/**
 * Reads and validates every `*.yaml` / `*.yml` file of `dir` (the `prompts/quizzes` folder).
 * Synchronous, start-up only. Throws `BankError` naming each bad file, question and line; a
 * missing or empty folder is an error too (quizzes need questions).
 */
export function loadBanks(dir: string): Bank[] {
  const shown = (p: string) => {
    const rel = path.relative(process.cwd(), p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  };
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    throw new BankError([{ file: shown(dir), message: 'question bank folder not found' }]);
  }
  const sources: BankSource[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    if (!/\.ya?ml$/.test(name) || !statSync(full).isFile()) continue;
    sources.push({ file: shown(full), text: readFileSync(full, 'utf8') });
  }
  if (sources.length === 0) throw new BankError([{ file: shown(dir), message: 'no question bank files (*.yaml)' }]);
  return parseBanks(sources);
}
