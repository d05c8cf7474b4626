/**
 * CPU time spent by a PostgreSQL server on this machine: the postmaster and every backend it
 * forked, read from /proc (Linux). Lets a benchmark say how much of a message's cost is the
 * database's. A backend that exited (a pool closes idle connections) is counted through the
 * postmaster's reaped-children times.
 */
import fs from 'node:fs';
import type pg from 'pg';

const TICKS_PER_S = 100; // USER_HZ on Linux

/** Parent pid, user + system CPU ticks of a process and of its reaped children, from /proc/<pid>/stat. */
function statOf(pid: number): { ppid: number; ticks: number; reapedTicks: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), reapedTicks: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined;
  }
}

/** The postmaster's pid, found through a backend of `client`; undefined when not on this machine. */
export async function postmasterPid(client: pg.Client): Promise<number | undefined> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return statOf(rows[0]!.pid)?.ppid;
}

/** CPU ms used so far by the postmaster, its live children and those it has reaped. */
export function serverCpuMs(postmaster: number): number {
  const own = statOf(postmaster);
  let ticks = (own?.ticks ?? 0) + (own?.reapedTicks ?? 0);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = statOf(Number(entry));
    if (s && s.ppid === postmaster) ticks += s.ticks;
  }
  return (ticks * 1000) / TICKS_PER_S;
}

/** Counters of the database: transactions, and per table scans and row writes (pg_stat views). */
export interface TableStats {
  readonly xacts: number;
  readonly tables: Map<string, { seq_scan: number; seq_tup_read: number; idx_scan: number; writes: number }>;
}

/** Reads the counters (after forcing the statistics collector's snapshot to be fresh). */
export async function tableStats(client: pg.Client): Promise<TableStats> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const x = await client.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
  const t = await client.query<{ relname: string; seq_scan: string; seq_tup_read: string; idx_scan: string | null; writes: string }>(
    'SELECT relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins + n_tup_upd + n_tup_del AS writes FROM pg_stat_user_tables',
  );
  return {
    xacts: Number(x.rows[0]!.n),
    tables: new Map(t.rows.map((r) => [r.relname, { seq_scan: Number(r.seq_scan), seq_tup_read: Number(r.seq_tup_read), idx_scan: Number(r.idx_scan ?? 0), writes: Number(r.writes) }])),
  };
}

/**
 * What `n` units of work (answers) cost the database between two readings: transactions per
 * answer and, for the tables most read, index scans, sequential scans and rows read by them, and
 * rows written, each per answer.
 */
export function perAnswer(before: TableStats, after: TableStats, n: number): Record<string, unknown> {
  const per = (x: number) => Math.round((x / n) * 100) / 100;
  const rows = [...after.tables].map(([name, a]) => {
    const b = before.tables.get(name) ?? { seq_scan: 0, seq_tup_read: 0, idx_scan: 0, writes: 0 };
    return { name, idx: a.idx_scan - b.idx_scan, seq: a.seq_scan - b.seq_scan, seqRows: a.seq_tup_read - b.seq_tup_read, writes: a.writes - b.writes };
  });
  const top = rows.filter((r) => r.idx + r.seq + r.writes > 0).sort((x, y) => y.seqRows + y.idx - (x.seqRows + x.idx)).slice(0, 8);
  return {
    transactions: per(after.xacts - before.xacts),
    index_scans: per(rows.reduce((a, r) => a + r.idx, 0)),
    seq_scans: per(rows.reduce((a, r) => a + r.seq, 0)),
    rows_written: per(rows.reduce((a, r) => a + r.writes, 0)),
    by_table: Object.fromEntries(top.map((r) => [r.name, { index_scans: per(r.idx), seq_scans: per(r.seq), seq_rows_read: per(r.seqRows), rows_written: per(r.writes) }])),
  };
}
