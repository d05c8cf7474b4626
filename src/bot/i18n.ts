/**
 * Prompts: every text a person reads, kept in YAML files `prompts/<locale>/<namespace>.yaml`
 * (locales `zh-CN`, the default, and `en`). A key `line` under `whoami:` in `core.yaml` is the
 * prompt `core.whoami.line`; nested maps flatten with dots. Templates fill `{name}` placeholders
 * (an identifier in braces; any other brace is literal text).
 *
 * `loadPrompts` validates everything at start-up and throws one `PromptError` listing every
 * problem, one line each, naming the file, the key and the line:
 * - a YAML syntax error (or a duplicate key);
 * - a value that is not non-empty text (a number, a list, an empty value), or a bad key name;
 * - a namespace file or a key present in one locale and missing in the other;
 * - placeholders that differ between the locales for the same key.
 * The `prompts/quizzes/` folder and any file not directly inside a locale folder are ignored.
 *
 * `translator` returns the translate function (`TextTranslate`; handlers see it as `Translate`, keys checked by tsc). In strict mode (the default under
 * vitest, i.e. when `VITEST` is set or `NODE_ENV` is `test`) an unknown key or a missing variable
 * throws; otherwise the key itself is returned (and a missing variable is left as `{name}`), so the
 * slip is visible in the chat but nothing crashes, and `onProblem` is told (for the log).
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import type { TextTranslate } from './feature.ts';

/** A language the bot speaks. */
export type Locale = 'zh-CN' | 'en';

/** All locales; every one must have the same prompt files and keys. */
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

/** The reference locale: others are compared against it. */
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Loaded, validated prompts: per locale, full key (`core.whoami.line`) → template. */
export interface Prompts {
  readonly texts: Readonly<Record<Locale, ReadonlyMap<string, string>>>;
}

/** One prompt file's content, as `parsePrompts` takes it (the pure core of `loadPrompts`). */
export interface PromptSource {
  /** Path shown in error messages, e.g. `prompts/en/core.yaml`. */
  readonly file: string;
  readonly locale: Locale;
  /** The file name without `.yaml`; prefix of its keys. */
  readonly namespace: string;
  readonly text: string;
}

/** One validation failure. */
export interface PromptProblem {
  readonly file: string;
  readonly key?: string;
  /** 1-based line in `file`, when known. */
  readonly line?: number;
  readonly message: string;
}

/** Renders a problem as one line: `prompts/en/core.yaml: key core.x (line 3): message`. */
export function formatProblem(p: PromptProblem): string {
  const where = p.line !== undefined ? ` (line ${p.line})` : '';
  return p.key !== undefined ? `${p.file}: key ${p.key}${where}: ${p.message}` : `${p.file}${where}: ${p.message}`;
}

/** The prompts failed validation; `problems` lists each failure, `message` has one per line. */
export class PromptError extends Error {
  constructor(readonly problems: readonly PromptProblem[]) {
    super(
      problems.length === 1
        ? formatProblem(problems[0]!)
        : `${problems.length} problems in the prompts:\n${problems.map(formatProblem).join('\n')}`,
    );
    this.name = 'PromptError';
  }
}

/**
 * A `{name}` placeholder, or a plural one `{name|one|other}` (English: `{count|pledge|pledges}`
 * gives `1 pledge`, `3 pledges`: the number, a space, the word for its amount).
 */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([^|{}]*)\|([^|{}]*))?\}/g;

/** `value` with the word of a plural placeholder: `one` for exactly 1, else `other`. */
function withPlural(value: string | number, one: string, other: string): string {
  return `${value} ${Number(value) === 1 ? one : other}`;
}

/** The distinct placeholder names of a template, in order of first appearance. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** A key segment or namespace: letters, digits, `_` and `-` (no dots: dots join segments). */
const KeySegment = z.string().regex(/^[A-Za-z0-9_-]+$/, 'key names use only letters, digits, _ and - (no dots or spaces)');

/** A prompt's text: a non-empty string. */
const PromptText = z
  .string({
    error: (issue) =>
      issue.input === null || issue.input === undefined
        ? 'is empty'
        : `must be text, not a ${typeof issue.input} (put it in quotes)`,
  })
  .refine((s) => s.trim() !== '', { message: 'is empty' });

/** Where a key was defined. */
interface Entry {
  readonly text: string;
  readonly file: string;
  readonly line: number | undefined;
}

/**
 * Validates prompt sources and builds the tables. Pure and synchronous; throws `PromptError`
 * listing every problem.
 */
export function parsePrompts(sources: readonly PromptSource[]): Prompts {
  const problems: PromptProblem[] = [];
  const entries = new Map<Locale, Map<string, Entry>>(LOCALES.map((l) => [l, new Map()]));
  const files = new Map<Locale, Map<string, string>>(LOCALES.map((l) => [l, new Map()]));
  // Keys and namespaces already reported as broken: not compared across locales (no follow-on noise).
  const broken = new Set<string>();

  for (const src of sources) {
    const ns = KeySegment.safeParse(src.namespace);
    if (!ns.success) {
      problems.push({ file: src.file, message: `file name: ${ns.error.issues[0]?.message ?? 'invalid'}` });
      continue;
    }
    const byNs = files.get(src.locale)!;
    const previous = byNs.get(src.namespace);
    if (previous !== undefined) {
      problems.push({ file: src.file, message: `namespace ${src.namespace} is already defined by ${previous}` });
      continue;
    }
    byNs.set(src.namespace, src.file);
    readSource(src, entries.get(src.locale)!, problems, broken);
  }

  compareLocales(entries, files, broken, problems);
  if (problems.length > 0) {
    problems.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0));
    throw new PromptError(problems);
  }
  const table = (l: Locale): ReadonlyMap<string, string> => new Map([...entries.get(l)!].map(([k, e]) => [k, e.text]));
  return { texts: { 'zh-CN': table('zh-CN'), en: table('en') } };
}

/**
 * Parses one YAML file into `out` (full key → entry), recording problems; keys (and, for a syntax
 * error, the whole namespace) that could not be read are added to `broken`.
 */
function readSource(src: PromptSource, out: Map<string, Entry>, problems: PromptProblem[], broken: Set<string>): void {
  const lineCounter = new LineCounter();
  const doc = parseDocument(src.text, { lineCounter });
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;

  const err = doc.errors[0];
  if (err !== undefined) {
    // Only the first error: later ones are usually consequences of it.
    const first = (err.message.split('\n')[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, '');
    problems.push({ file: src.file, line: err.linePos?.[0]?.line, message: `YAML syntax error: ${first}` });
    broken.add(src.namespace);
    return;
  }
  if (doc.contents === null) return; // an empty file defines no keys
  if (!isMap(doc.contents)) {
    problems.push({ file: src.file, line: lineOf(doc.contents), message: 'the file must be a map of keys to texts' });
    broken.add(src.namespace);
    return;
  }
  walk(doc, doc.contents, `${src.namespace}.`, src.file, lineOf, out, problems, broken);
}

/** Flattens a YAML map into dotted keys, validating key names and texts with zod. */
function walk(
  doc: Document,
  map: Node,
  prefix: string,
  file: string,
  lineOf: (node: Node | null | undefined) => number | undefined,
  out: Map<string, Entry>,
  problems: PromptProblem[],
  broken: Set<string>,
): void {
  if (!isMap(map)) return;
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    const line = lineOf(keyNode);
    const rawKey = isScalar(keyNode) ? String(keyNode.value) : undefined;
    const segment = KeySegment.safeParse(rawKey);
    if (rawKey === undefined || !segment.success) {
      problems.push({
        file,
        key: `${prefix}${rawKey ?? '?'}`,
        line,
        message: segment.success ? 'keys must be plain names' : (segment.error.issues[0]?.message ?? 'bad key'),
      });
      broken.add(`${prefix}${rawKey ?? '?'}`);
      continue;
    }
    const key = prefix + rawKey;
    let value = pair.value as Node | null;
    if (isAlias(value)) value = (value.resolve(doc) ?? null) as Node | null;
    if (isMap(value)) {
      walk(doc, value, `${key}.`, file, lineOf, out, problems, broken);
      continue;
    }
    if (isSeq(value)) {
      problems.push({ file, key, line, message: 'is a list; expected a text or a map of keys' });
      broken.add(key);
      continue;
    }
    const text = PromptText.safeParse(isScalar(value) ? value.value : null);
    if (!text.success) {
      problems.push({ file, key, line, message: text.error.issues[0]?.message ?? 'invalid text' });
      broken.add(key);
      continue;
    }
    out.set(key, { text: text.data, file, line });
  }
}

/** Every locale must have the same namespace files, the same keys and the same placeholders. */
function compareLocales(
  entries: Map<Locale, Map<string, Entry>>,
  files: Map<Locale, Map<string, string>>,
  broken: ReadonlySet<string>,
  problems: PromptProblem[],
): void {
  const refFiles = files.get(DEFAULT_LOCALE)!;
  const ref = entries.get(DEFAULT_LOCALE)!;
  for (const locale of LOCALES) {
    if (locale === DEFAULT_LOCALE) continue;
    const otherFiles = files.get(locale)!;
    const other = entries.get(locale)!;
    const skip = new Set<string>(broken);
    for (const [ns, file] of refFiles) {
      if (!otherFiles.has(ns)) {
        problems.push({ file: siblingFile(file, DEFAULT_LOCALE, locale), message: `file missing (${DEFAULT_LOCALE} has ${file})` });
        skip.add(ns);
      }
    }
    for (const [ns, file] of otherFiles) {
      if (!refFiles.has(ns)) {
        problems.push({ file: siblingFile(file, locale, DEFAULT_LOCALE), message: `file missing (${locale} has ${file})` });
        skip.add(ns);
      }
    }
    const nsOf = (key: string) => key.slice(0, key.indexOf('.'));
    const skipped = (key: string) => skip.has(nsOf(key)) || skip.has(key) || hasBrokenParent(key, skip);
    for (const [key, e] of ref) {
      if (skipped(key)) continue;
      const o = other.get(key);
      if (o === undefined) {
        problems.push({ file: otherFiles.get(nsOf(key))!, key, message: `missing (${DEFAULT_LOCALE} has it: ${e.file}${lineNote(e.line)})` });
        continue;
      }
      const want = placeholdersOf(e.text);
      const have = placeholdersOf(o.text);
      for (const p of want) {
        if (!have.includes(p)) problems.push({ file: o.file, key, line: o.line, message: `placeholder {${p}} missing (${DEFAULT_LOCALE} has it)` });
      }
      for (const p of have) {
        if (!want.includes(p)) problems.push({ file: o.file, key, line: o.line, message: `placeholder {${p}} is not in ${DEFAULT_LOCALE}` });
      }
    }
    for (const [key, o] of other) {
      if (skipped(key) || ref.has(key)) continue;
      problems.push({ file: refFiles.get(nsOf(key))!, key, message: `missing (${locale} has it: ${o.file}${lineNote(o.line)})` });
    }
  }
}

/** True when some dotted prefix of `key` (a map that failed) is in `set`. */
function hasBrokenParent(key: string, set: ReadonlySet<string>): boolean {
  for (let i = key.indexOf('.'); i !== -1; i = key.indexOf('.', i + 1)) if (set.has(key.slice(0, i))) return true;
  return false;
}

/** ` line N` or nothing. */
function lineNote(line: number | undefined): string {
  return line === undefined ? '' : ` line ${line}`;
}

/** The same file name in another locale's folder (for "file missing" messages). */
function siblingFile(file: string, from: Locale, to: Locale): string {
  const localeDir = path.dirname(file);
  if (path.basename(localeDir) !== from) return `${to}/${path.basename(file)}`;
  return path.join(path.dirname(localeDir), to, path.basename(file));
}

/**
 * Reads and validates `<dir>/<locale>/*.yaml` (and `.yml`) for every locale. Synchronous (start-up
 * only). Throws `PromptError` naming each bad file, key and line. Paths in messages are relative
 * to the working directory when the folder is inside it.
 */
export function loadPrompts(dir = 'prompts'): Prompts {
  const shown = (p: string) => {
    const rel = path.relative(process.cwd(), p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
  };
  if (!isDirectory(dir)) throw new PromptError([{ file: shown(dir), message: 'prompts folder not found' }]);
  const sources: PromptSource[] = [];
  const problems: PromptProblem[] = [];
  for (const locale of LOCALES) {
    const localeDir = path.join(dir, locale);
    if (!isDirectory(localeDir)) {
      problems.push({ file: shown(localeDir), message: 'locale folder missing (every locale needs the same prompt files)' });
      continue;
    }
    for (const name of readdirSync(localeDir).sort()) {
      const m = /^(.+)\.ya?ml$/.exec(name);
      const full = path.join(localeDir, name);
      if (m === null || !statSync(full).isFile()) continue;
      sources.push({ file: shown(full), locale, namespace: m[1]!, text: readFileSync(full, 'utf8') });
    }
  }
  if (problems.length > 0) throw new PromptError(problems);
  return parsePrompts(sources);
}

/** True when `p` is an existing directory. */
function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** How a translator treats a slip (an unknown key or a missing variable). */
export interface TranslatorOptions {
  /**
   * Throw on a slip. Default: true under vitest (`VITEST` set or `NODE_ENV=test`), false otherwise,
   * where the key (or the unfilled `{name}`) is shown instead.
   */
  readonly strict?: boolean;
  /** Told about every slip in non-strict mode (e.g. to log a warning). */
  readonly onProblem?: (message: string) => void;
}

/** True when running under a test runner (the default for `TranslatorOptions.strict`). */
function underTest(): boolean {
  return process.env.VITEST !== undefined || process.env.NODE_ENV === 'test';
}

/**
 * The translate function for one locale: looks a key up and fills its `{name}` placeholders
 * from `vars` (numbers are written as they are). Extra variables are ignored.
 */
export function translator(prompts: Prompts, locale: Locale, options: TranslatorOptions = {}): TextTranslate {
  const strict = options.strict ?? underTest();
  const table = prompts.texts[locale];
  const slip = (message: string): void => {
    if (strict) throw new Error(message);
    options.onProblem?.(message);
  };
  return (key, vars) => {
    const template = table.get(key);
    if (template === undefined) {
      slip(`unknown prompt key ${key} (${locale})`);
      return key;
    }
    if (!template.includes('{')) return template;
    return template.replace(PLACEHOLDER, (whole, name: string, one: string | undefined, other: string | undefined) => {
      const value = vars?.[name];
      if (value === undefined) {
        slip(`prompt ${key} (${locale}) needs variable {${name}}`);
        return whole;
      }
      return one !== undefined && other !== undefined ? withPlural(value, one, other) : String(value);
    });
  };
}
