/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format (version 0.0.4). Enough for the bot's own metrics; prom-client would replace
 * it if it were installed.
 */

/** Label values of one series, by label name. */
export type Labels = Readonly<Record<string, string>>;

/** The Content-Type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  lines(): string[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (extra) pairs.push(extra);
  return pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function numberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

/** A value per label set that only goes up (events handled, sends made). */
export class Counter implements Family {
  readonly type = 'counter' as const;
  private readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}

  /** Adds `by` (default 1) to the series of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels, value: by });
  }

  /** The current value of one series (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.series.get(keyOf(labels))?.value ?? 0;
  }

  lines(): string[] {
    return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${numberText(s.value)}`);
  }
}

/** A value per label set that is set, not added to; `collect` may refresh it just before a scrape. */
export class Gauge implements Family {
  readonly type = 'gauge' as const;
  private series = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}

  /** Sets the series of `labels` to `value`. */
  set(labels: Labels, value: number): void {
    this.series.set(keyOf(labels), { labels, value });
  }

  /** Replaces every series at once (a fresh reading, e.g. the backlog of each platform). */
  replace(values: readonly { labels: Labels; value: number }[]): void {
    this.series = new Map(values.map((v) => [keyOf(v.labels), v]));
  }

  lines(): string[] {
    return [...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${numberText(s.value)}`);
  }
}

/** Observations counted into cumulative buckets (latencies), per label set. */
export class Histogram implements Family {
  readonly type = 'histogram' as const;
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, private readonly buckets: readonly number[]) {}

  /** Records one observation (in the histogram's unit, seconds for durations). */
  observe(labels: Labels, value: number): void {
    const key = keyOf(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  lines(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => out.push(`${this.name}_bucket${labelText(s.labels, ['le', numberText(le)])} ${s.counts[i]}`));
      out.push(`${this.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${numberText(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return out;
  }
}

/** The metric families of one process and the collectors that refresh gauges before each scrape. */
export class Registry {
  private readonly families: Family[] = [];
  private readonly collectors: (() => Promise<void>)[] = [];

  /** Adds a family; its name must be unique. */
  register<F extends Family>(family: F): F {
    if (this.families.some((f) => f.name === family.name)) throw new Error(`metric ${family.name} is registered twice`);
    this.families.push(family);
    return family;
  }

  /** Runs `collect` before every scrape (reads the database into gauges). */
  onCollect(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  /** Runs the collectors, then renders every family in the text format. */
  async render(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c()));
    const out: string[] = [];
    for (const f of this.families) {
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`, ...f.lines());
    }
    return out.join('\n') + '\n';
  }
}
