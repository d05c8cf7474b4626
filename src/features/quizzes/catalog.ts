/**
 * Where questions are found: the file banks loaded once at start-up (in memory) and the banks a
 * secretary imported (in the database). Questions are addressed by key everywhere (quiz rows,
 * answers, the 错题本), so a question is looked up the same way whichever bank holds it.
 */
import type { Tx } from '../../bot/feature.ts';
import type { Bank, Question } from './banks/model.ts';
import { foldName } from './rules/banks.ts';
import { listUnits } from '../../bot/roster.ts';
import { importedBankByName, importedBanks, importedQuestion, importedQuestionsFor } from './store/banks.ts';

/** A bank as listed by `/quiz banks`. */
export interface BankListing {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly count: number;
  readonly imported: boolean;
}

/** The question catalog (see the module comment). */
export class Catalog {
  private readonly byKey = new Map<string, Question>();
  private readonly byName = new Map<string, Bank>();

  /** @param fileBanks the validated banks of `prompts/quizzes/` */
  constructor(readonly fileBanks: readonly Bank[]) {
    for (const b of fileBanks) {
      for (const q of b.questions) this.byKey.set(q.key, q);
      for (const n of [b.id, b.name, ...b.aliases]) this.byName.set(foldName(n), b);
    }
  }

  /** Every question of the file banks (the mixed quiz and the daily question draw from these). */
  fileQuestions(): Question[] {
    return this.fileBanks.flatMap((b) => b.questions);
  }

  /**
   * The questions the daily question draws from for a member of `unitId`: every file bank and the
   * imported banks of that unit, of the units above it and of no unit.
   */
  async dailyPool(tx: Tx, unitId: number | null): Promise<Question[]> {
    const units = await listUnits(tx);
    const chain: number[] = [];
    for (let id = unitId; id !== null && !chain.includes(id); id = units.find((u) => u.id === id)?.parentId ?? null) chain.push(id);
    return [...this.fileQuestions(), ...(await importedQuestionsFor(tx, chain))];
  }

  /** True when a name is taken by a file bank (its id, name or an alias). */
  isFileBankName(name: string): boolean {
    return this.byName.has(foldName(name));
  }

  /** A question by key, from a file bank or an imported one; undefined when it no longer exists. */
  async question(tx: Tx, key: string): Promise<Question | undefined> {
    return this.byKey.get(key) ?? importedQuestion(tx, key);
  }

  /** The name of the bank a question belongs to. */
  async bankName(tx: Tx, q: Question): Promise<string> {
    const file = this.fileBanks.find((b) => b.id === q.bankId);
    if (file) return file.name;
    const rows = await importedBanks(tx);
    const id = Number(q.bankId.replace('import-', ''));
    return rows.find((r) => r.id === id)?.name ?? q.bankId;
  }

  /** A bank by id, name or alias (width, case and spaces ignored); imported banks by name. */
  async findBank(tx: Tx, name: string): Promise<Bank | undefined> {
    const folded = foldName(name);
    return this.byName.get(folded) ?? importedBankByName(tx, folded);
  }

  /** File banks, then imported ones. */
  async listBanks(tx: Tx): Promise<BankListing[]> {
    const files = this.fileBanks.map((b) => ({ name: b.name, aliases: b.aliases, count: b.questions.length, imported: false }));
    const imported = (await importedBanks(tx)).map((b) => ({ name: b.name, aliases: [], count: b.count, imported: true }));
    return [...files, ...imported];
  }
}
