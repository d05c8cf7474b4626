/**
 * The real `src/main.ts` as a child process (what `npm start` runs), for the operations tests:
 * started with the given environment, it reports the port of its HTTP server from its
 * `http server listening` log line. Helpers scrape `/healthz` and `/metrics` and parse the
 * Prometheus text format strictly enough to catch a malformed exposition.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running bot process and the port its shared HTTP server listens on (127.0.0.1). */
export interface MainProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything it wrote to stderr so far (JSON log lines). */
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code once the process is gone. */
  terminate(): Promise<number | null>;
}

/** Starts `node --import tsx src/main.ts` with `env` (on top of PATH and HOME only) and waits for its HTTP server. */
export async function startMain(env: Record<string, string>): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /"msg":"http server listening"/.test(err) ? /"port":(\d+)[^\n]*"msg":"http server listening"|"msg":"http server listening"[^\n]*"port":(\d+)/.exec(err) : null;
      if (m) resolve(Number(m[1] ?? m[2]));
    });
    child.once('exit', (code, signal) => reject(new Error(`bot exited (${code ?? signal}) before listening: ${err.slice(-2000)}`)));
  });
  return {
    child,
    port,
    stderr: () => err,
    terminate: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** GETs a path of the bot's HTTP server: status and body. */
export async function get(port: number, path: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** One sample of a scrape: metric name, labels, value. */
export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/**
 * Parses the Prometheus text format: every sample must belong to a family declared by `# TYPE`
 * before it (histograms: `_bucket`, `_sum`, `_count`), have well-formed labels and a number.
 * Throws naming the first bad line.
 */
export function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  if (!text.endsWith('\n')) throw new Error('exposition does not end with a newline');
  for (const line of text.split('\n').slice(0, -1)) {
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      if (!name || !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type ?? '')) throw new Error(`bad TYPE line: ${line}`);
      types.set(name, type!);
      continue;
    }
    if (line.startsWith('# HELP ') || line === '') continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const [, name, rawLabels, rawValue] = m;
    const family = types.has(name!) ? name! : name!.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(family) || (family !== name && types.get(family) !== 'histogram')) throw new Error(`sample of an undeclared family: ${line}`);
    const labels: Record<string, string> = {};
    if (rawLabels) {
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < rawLabels.length) {
        const l = LABEL.exec(rawLabels);
        if (!l) throw new Error(`bad labels: ${line}`);
        labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
    }
    const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : Number(rawValue);
    if (Number.isNaN(value) && rawValue !== 'NaN') throw new Error(`bad value: ${line}`);
    samples.push({ name: name!, labels, value });
  }
  return { types, samples };
}

/** The value of the one sample named `name` whose labels include `labels` (0 when there is none). */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}
