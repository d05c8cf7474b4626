/**
 * Reads a YAML configuration file of `prompts/` and validates it with zod, so every loader's
 * errors name the file and the key the same way (`prompts/x.yaml: a.b: must be …`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';

/**
 * The parsed, validated content of `file`, or undefined when the file does not exist. A YAML
 * syntax error or a schema issue is thrown as `fail(message)`, the message naming the file and
 * the first bad key.
 */
export function loadYamlFile<T>(file: string, schema: z.ZodType<T>, fail: (message: string) => Error): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (err) {
    throw fail(`${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}
