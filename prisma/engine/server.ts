// The stand-in for Prisma's native `schema-engine` binary. The prisma CLI spawns it (through
// PRISMA_SCHEMA_ENGINE_BINARY, set by prisma.config.ts) in one of two ways, both handled here:
//
//   schema-engine --datasource '{"url":...}' cli <can-connect-to-database|create-database|drop-database>
//     one-shot; exit 0 on success, else exit 1 with a JSON log line {level: ERROR, fields:
//     {message, error_code}} on stderr (the CLI skips the first stderr line, then parses the rest).
//   schema-engine --datamodels <file> [--datamodels <file>...] --datasource '{"url":...}'
//     a JSON-RPC 2.0 server: one request per stdin line, one response per stdout line. Each method
//     is forwarded to the Wasm engine (session.ts). `diff` output goes back as a `print` request,
//     as the native engine does. Engine log lines go to stderr as JSON, which the CLI collects.
//
// Launched by schema-engine.mjs (which loads tsx first); the overview of prisma/engine is at the top of that file.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';
import { pgConnectionFields, pgUrlWithDatabase, providerOf, quotePgIdent, redactUrl, sqliteFilePath } from '../../src/db/datasource.ts';
import { ENGINE_METHODS, EngineSession, type EngineError, type EngineMethod, type EngineParams } from './session.ts';
import { SCHEMA_ENGINE_COMMIT, takePanicMessage } from './wasm.ts';

/** The command line of one spawn, as the CLI passes it. */
export interface EngineArgs {
  datamodels: string[];
  url: string | undefined;
  cliCommand: string | undefined;
  version: boolean;
}

/** Parses the native engine's command line (unknown flags such as --enabled-preview-features are skipped). */
export function parseEngineArgs(argv: readonly string[]): EngineArgs {
  const out: EngineArgs = { datamodels: [], url: undefined, cliCommand: undefined, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--version' || arg === '-V') out.version = true;
    else if (arg === '--datamodels') {
      while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out.datamodels.push(argv[++i]!);
    } else if (arg === '--datasource') {
      const json = argv[++i] ?? '{}';
      out.url = (JSON.parse(json) as { url?: string }).url;
    } else if (arg === 'cli') out.cliCommand = argv[++i];
    else if (arg?.startsWith('--')) i++; // a flag with a value we do not use
  }
  return out;
}

/** One JSON log line in the native engine's format, for stderr. */
export function logLine(level: 'INFO' | 'ERROR', message: string, errorCode?: string): string {
  const fields = errorCode === undefined ? { message } : { message, error_code: errorCode };
  return JSON.stringify({ timestamp: new Date().toISOString(), level, fields, target: 'schema_engine::logger' });
}

/** A failure of a `cli` subcommand, with the Prisma error code the CLI shows. */
class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Turns a pg connection error into Prisma's code and wording (P1000 auth, P1001 unreachable, P1003 no database). */
function pgCliError(e: unknown, url: string): CliError {
  const { host, port, database } = pgConnectionFields(url);
  const code = (e as { code?: string }).code;
  if (code === '3D000') return new CliError('P1003', `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`);
  if (code === '28P01' || code === '28000') return new CliError('P1000', `Authentication failed against database server at \`${host}\`: ${(e as Error).message}`);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') {
    return new CliError('P1001', `Can't reach database server at \`${host}:${port}\` (${code}).`);
  }
  return new CliError('P1001', `${redactUrl(url)}: ${(e as Error).message}`);
}

/** Runs `cli can-connect-to-database | create-database | drop-database` like the native engine. */
export async function runCliCommand(command: string, url: string): Promise<void> {
  if (providerOf(url) === 'sqlite') {
    const file = sqliteFilePath(url);
    if (command === 'can-connect-to-database') {
      if (!fs.existsSync(file)) throw new CliError('P1003', `Database \`${path.basename(file)}\` does not exist at \`${file}\`.`);
    } else if (command === 'create-database') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.closeSync(fs.openSync(file, 'a'));
    } else if (command === 'drop-database') {
      for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    } else throw new CliError('P1012', `schema-engine stand-in: unknown cli command ${command}`);
    return;
  }
  const { database } = pgConnectionFields(url);
  const target = command === 'can-connect-to-database' ? url : pgUrlWithDatabase(url, 'postgres');
  const client = new pg.Client({ connectionString: target });
  try {
    await client.connect();
  } catch (e) {
    throw pgCliError(e, target);
  }
  try {
    if (command === 'create-database') await client.query(`CREATE DATABASE ${quotePgIdent(database)}`);
    else if (command === 'drop-database') await client.query(`DROP DATABASE IF EXISTS ${quotePgIdent(database)}`);
    else if (command !== 'can-connect-to-database') throw new CliError('P1012', `schema-engine stand-in: unknown cli command ${command}`);
  } finally {
    await client.end();
  }
}

interface RpcRequest {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: unknown;
}

/** The JSON-RPC error body the CLI expects for a failed request (code 4466, details in `data`). */
export function rpcError(e: unknown): { code: number; message: string; data: Record<string, unknown> } {
  const err = e as EngineError;
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: { is_panic: err?.isPanic === true, message: err?.message ?? String(e), error_code: err?.code, meta: err?.meta ?? {} },
  };
}

/** Serves JSON-RPC on stdin/stdout until stdin closes; requests are answered one at a time, in order. */
export async function serve(args: EngineArgs): Promise<void> {
  // A Rust panic inside an engine task surfaces as an uncaught "RuntimeError: unreachable", not as
  // a rejected call. Report the panic message as the ERROR line the CLI prints, then exit.
  process.on('uncaughtException', (e) => {
    const panic = takePanicMessage();
    process.stderr.write(logLine('ERROR', panic === undefined ? String(e?.stack ?? e) : `schema engine panicked: ${panic}`, 'P1001') + '\n');
    process.exit(1);
  });
  if (!args.url) throw new CliError('P1012', 'schema-engine stand-in: no datasource url (set datasource.url in prisma.config.ts)');
  const datamodels = args.datamodels.map((p): [string, string] => [p, fs.readFileSync(p, 'utf8')]);
  // Some commands (`migrate diff` without a schema) start the engine with no --datamodels; the Wasm
  // engine then panics ("validate_multi_file() must be called with at least one file") where the
  // native one carries on. Give it a schema that only names the provider of the URL.
  if (datamodels.length === 0) datamodels.push(['datasource.prisma', `datasource db {\n  provider = "${providerOf(args.url)}"\n}\n`]);
  const session = await EngineSession.open({ url: args.url, datamodels, log: (line) => process.stderr.write(line.trimEnd() + '\n') });
  const write = (message: object): void => void process.stdout.write(JSON.stringify(message) + '\n');
  let printId = 1_000_000_000;
  let queue = Promise.resolve();
  const handle = async (req: RpcRequest): Promise<void> => {
    const method = req.method === 'getDatabaseVersion' ? 'version' : req.method;
    try {
      if (!(ENGINE_METHODS as readonly string[]).includes(method ?? '')) {
        throw Object.assign(new Error(`schema-engine stand-in: method ${req.method} is not supported`), { code: 'P1012' });
      }
      let result: unknown = await session.call(method as EngineMethod, (req.params ?? {}) as EngineParams<EngineMethod>);
      if (method === 'diff' && result && typeof result === 'object') {
        // The native engine prints the diff through a `print` request and returns only the exit code.
        const { stdout, ...rest } = result as { stdout?: string | null; exitCode: number };
        if (stdout) write({ jsonrpc: '2.0', id: printId++, method: 'print', params: { content: stdout.replace(/\n$/, '') } });
        result = rest;
      }
      write({ jsonrpc: '2.0', id: req.id, result: result ?? null });
    } catch (e) {
      write({ jsonrpc: '2.0', id: req.id, error: rpcError(e) });
    }
  };
  await new Promise<void>((resolve) => {
    readline
      .createInterface({ input: process.stdin, crlfDelay: Infinity })
      .on('line', (line) => {
        if (!line.trim()) return;
        const req = JSON.parse(line) as RpcRequest;
        if (req.method === undefined) return; // the CLI's answer to one of our `print` requests
        queue = queue.then(() => handle(req));
      })
      .on('close', () => void queue.then(resolve));
  });
  await session.close();
}

/** Entry point: `--version`, a `cli` subcommand, or the RPC server. Exits 1 with a readable error line. */
export async function main(argv: readonly string[]): Promise<void> {
  const args = parseEngineArgs(argv);
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${SCHEMA_ENGINE_COMMIT} (xianfeng stand-in on @prisma/schema-engine-wasm)\n`);
    return;
  }
  try {
    if (args.cliCommand !== undefined) {
      if (!args.url) throw new CliError('P1012', 'schema-engine stand-in: no datasource url');
      await runCliCommand(args.cliCommand, args.url);
      process.stdout.write('\n');
    } else {
      await serve(args);
    }
  } catch (e) {
    const code = e instanceof CliError ? e.code : ((e as EngineError)?.code ?? 'P1001');
    // The CLI drops the first stderr line of a `cli` run before parsing, hence the INFO line.
    process.stderr.write(logLine('INFO', 'schema-engine stand-in') + '\n');
    process.stderr.write(logLine('ERROR', e instanceof Error ? e.message : String(e), code) + '\n');
    process.exitCode = 1;
  }
}
