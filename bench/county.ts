/**
 * Benchmark: a county at peak (#18). PostgreSQL, two bot instances (each its own app, pool,
 * in-process adapter and instance id, as two processes would have), 20,000 members in 500 group
 * chats (40 each; the roster written in bulk through the real schema: county-roster.ts), one quiz
 * question posted to every group by the real quiz feature (`/quiz 党章 1 360秒` from the admin in
 * each group), and every member answering (a bare letter, 70% right) within 5 minutes on a
 * truncated exponential curve (60% in the first minute: arrivals.ts). Group k is served by
 * instance k mod 2, as a platform delivers one group's webhook to one place; events are handed
 * over through the intake exactly as an adapter's sink does.
 *
 * The bot's clock (county-clock.ts) runs `--scale` times real time (default 1: 300 real seconds;
 * `--quick` 10), and the platform's limits (Telegram's: 30/s, 1/s per chat, 20/min per group) are
 * kept in bot time, so they are scaled with it, as broadcast.ts scales them with rateTimeScale.
 * At the question's close (its time-up task, run by both instances' schedulers at once) each
 * group gets its result and ranking through the outbox.
 *
 * Figures: arrival → recorded (the sink would answer) and arrival → processed (the answer
 * written), p50/p99; close → each group's results delivered, p50/p99 over groups; lost and twice
 * for answers (database) and results and acknowledgements (what the adapters saw); CPU ms per
 * answer of the bot process and of the PostgreSQL server. `tsx bench/county.ts [--quick]
 * [--scale N] [--groups N] [--members N]` prints one JSON line.
 */
import os from 'node:os';
import pg from 'pg';
import { pino } from 'pino';
import { TELEGRAM_DEFAULT_RATE_LIMITS } from '../src/adapters/telegram/adapter.ts';
import type { ChatRef, OutgoingMessage } from '../src/bot/types.ts';
import { pgUrlWithDatabase, quotePgIdent } from '../src/db/datasource.ts';
import { DEFAULT_EVENT_CONCURRENCY } from '../src/ops/intake.ts';
import { readShownQuestion } from '../test/features/quizzes/support.ts';
import { arrivalOffsets, decayRate, peakPerSecond, type ArrivalCurve } from './arrivals.ts';
import { seededRandom } from '../test/support/seeded-random.ts';
import { CountyClock } from './county-clock.ts';
import { groupId, groupOf, memberId, writeCountyRoster } from './county-roster.ts';
import { perAnswer, postmasterPid, serverCpuMs, tableStats } from './pg-cpu.ts';
import { BENCH_CAPABILITIES, CountingAdapter, emit, machine, now, round, startBenchBot, summarize, textEvent, waitUntil, type BenchBot } from './support.ts';

const argv = process.argv;
const quick = argv.includes('--quick');
const arg = (name: string, fallback: number): number => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const SCALE = arg('--scale', quick ? 10 : 1);
const GROUPS = arg('--groups', quick ? 50 : 500);
const MEMBERS = arg('--members', quick ? 2000 : 20_000);
const CURVE: ArrivalCurve = { firstMinuteShare: 0.6, windowS: 300 };
const OPEN_S = 360; // the question is open 6 minutes; every answer arrives within the first 5
const RIGHT_SHARE = 0.7;
const ADMIN = 'bench-admin';
const RESULTS_TIMEOUT_MS = 30 * 60_000;

const server = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (!server) {
  emit({ benchmark: 'county', skipped: 'no PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL (.ci/postgres.sh start DIR prints one)', machine: machine() });
  process.exit(0);
}
const machineBefore = machine();

/** One message an adapter delivered, with the real time and the instance that sent it. */
interface Seen {
  readonly at: number;
  readonly instance: number;
  readonly chat: ChatRef;
  readonly text: string;
}
const seen: Seen[] = [];
/** Counts a log line by its message and error text (the first 200 characters). */
function countLogLine(into: Map<string, number>, line: string): void {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: unknown };
    const err = typeof entry.err === 'string' ? entry.err : (entry.err as { message?: string } | undefined)?.message;
    const key = `${entry.msg ?? ''}${err ? `: ${err}` : ''}`.slice(0, 200);
    into.set(key, (into.get(key) ?? 0) + 1);
  } catch {
    into.set(line.slice(0, 200), (into.get(line.slice(0, 200)) ?? 0) + 1);
  }
}
const textOf = (m: OutgoingMessage): string => (m.kind === 'text' ? m.text : m.kind);

// ---- the database, two instances, the roster ------------------------------------------------------
const name = `xianfeng_county_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${quotePgIdent(name)}`);
const url = pgUrlWithDatabase(server, name);
const clock = new CountyClock(Date.parse('2026-12-02T02:00:00Z'), SCALE); // 10:00 in Asia/Shanghai
const capabilities = { ...BENCH_CAPABILITIES, rateLimits: TELEGRAM_DEFAULT_RATE_LIMITS };
const errorLines = new Map<string, number>();
const logger = pino({ level: 'warn' }, { write: (line: string) => void countLogLine(errorLines, line) });
const bots: BenchBot[] = [];
for (const instance of [0, 1]) {
  const adapter = new CountingAdapter('console', capabilities);
  adapter.onSend = (chat, message) => void seen.push({ at: now(), instance, chat, text: textOf(message) });
  bots.push(await startBenchBot({ url, migrate: instance === 0, adapters: [adapter], clock, logger, instanceId: `county-${instance}`, env: { BOT_ADMINS: `console:${ADMIN}` }, outbox: { idleMs: 500 } })); // the production idle poll (an enqueue wakes it at once)
}
const appOf = (k: number) => bots[k % 2]!.app;
const db = new pg.Client({ connectionString: url });
await db.connect();
const rosterMs = await writeCountyRoster(db, { groups: GROUPS, members: MEMBERS, platform: 'console' });
const postmaster = await postmasterPid(db).catch(() => undefined);

// ---- one question to every group (the clock stands still: every quiz opens at the same instant) ---
const tQuiz = now();
await Promise.all(
  Array.from({ length: GROUPS }, async (_, i) => (await appOf(i + 1).submit(textEvent('console', ADMIN, groupId(i + 1), `/quiz 党章 1 ${OPEN_S}秒`, clock.now()))).processed),
);
const quizStartMs = now() - tQuiz;
const quizzes = await db.query<{ chatExternalId: string; closesAt: Date }>(
  `SELECT q."chatExternalId", qq."closesAt" FROM "Quiz" q JOIN "QuizQuestion" qq ON qq."quizId" = q."id" WHERE q."status" = 'running'`,
);
if (quizzes.rows.length !== GROUPS) throw new Error(`${quizzes.rows.length} quizzes running, expected ${GROUPS}`);
const closesAt = Math.max(...quizzes.rows.map((r) => r.closesAt.getTime()));
clock.run();
const tPost = now();
await Promise.all(bots.map((b) => b.app.idle()));
const postMs = now() - tPost;
const rightLetter = new Map<string, { right: string; wrong: string }>();
for (const s of seen) if (/\nA\. /.test(s.text)) rightLetter.set(s.chat.chatId, readShownQuestion(s.text));
if (rightLetter.size !== GROUPS) throw new Error(`the question reached ${rightLetter.size} of ${GROUPS} groups`);

// ---- every member answers on the curve ---------------------------------------------------------
const random = seededRandom(18);
const offsets = arrivalOffsets(MEMBERS, CURVE, random);
const who = Array.from({ length: MEMBERS }, (_, j) => j).sort(() => random() - 0.5);
const recordedMs: number[] = [];
const processedMs: number[] = [];
const outcomes = new Map<string, number>();
let processedAfterClose = 0;
const processedAt: number[] = [];
const waits: Promise<void>[] = [];
const tables0 = await tableStats(db);
const cpu0 = process.cpuUsage();
const pgCpu0 = postmaster ? serverCpuMs(postmaster) : NaN;
const tArrive = now() + 5;
for (let i = 0; i < MEMBERS; i++) {
  const due = tArrive + (offsets[i]! * 1000) / SCALE;
  if (now() < due) await waitUntil(due);
  const j = who[i]!;
  const k = groupOf(j, GROUPS);
  const letters = rightLetter.get(groupId(k))!;
  const text = random() < RIGHT_SHARE ? letters.right : letters.wrong;
  const submitted = appOf(k).submit(textEvent('console', memberId(j), groupId(k), text, clock.now()));
  waits.push(
    submitted.then(async (s) => {
      await s.recorded;
      recordedMs.push(now() - due);
      const outcome = await s.processed;
      processedMs.push(now() - due);
      processedAt.push(now() / 1000);
      if (now() > clock.realAt(closesAt)) processedAfterClose++;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }),
  );
}
await Promise.all(waits);
const answersDoneS = (now() - tArrive) / 1000;
const cpu = process.cpuUsage(cpu0);
const pgCpuMs = postmaster ? serverCpuMs(postmaster) - pgCpu0 : NaN;
const tables1 = await tableStats(db);

// ---- the close: both schedulers run the due time-ups at once -------------------------------------
const acksAtClose = seen.filter((s) => s.chat.kind === 'private').length;
const tClose = clock.realAt(closesAt);
await waitUntil(tClose);
const closePasses = await Promise.all(
  bots.map(async (b) => {
    const report = await b.app.scheduler.runDue();
    const byOutcome: Record<string, number> = {};
    for (const t of report.tasks) byOutcome[t.outcome] = (byOutcome[t.outcome] ?? 0) + 1;
    return { pass_ms: round(now() - tClose, 0), tasks: byOutcome };
  }),
);
const ranked = () => new Set(seen.filter((s) => s.at >= tClose && /^答题 #\d+ 结束，排名/.test(s.text)).map((s) => s.chat.chatId));
const deadline = now() + RESULTS_TIMEOUT_MS;
while (ranked().size < GROUPS && now() < deadline) await new Promise((r) => setTimeout(r, 50));
const tResults = now();

// ---- verification: the database and what the adapters saw ---------------------------------------
const counts = await db.query<{ answers: string; members: string; events: string; done: string }>(`SELECT
  (SELECT count(*) FROM "QuizAnswer") AS answers, (SELECT count(DISTINCT "memberId") FROM "QuizAnswer") AS members,
  (SELECT count(*) FROM "InboundEvent") AS events, (SELECT count(*) FROM "InboundEvent" WHERE "status" <> 'received') AS done`);
const failures = await db.query<{ status: string; error: string | null; n: string }>(
  `SELECT "status", left("error", 300) AS error, count(*) AS n FROM "InboundEvent" WHERE "status" IN ('failed', 'received') GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5`,
);
const outbox = await db.query<{ status: string; n: string }>(`SELECT "status", count(*) AS n FROM "OutboxMessage" GROUP BY "status"`);
const row = counts.rows[0]!;
const perGroup = new Map<string, { results: number; rankings: number; answered: number[]; lastAt: number }>();
for (const s of seen.filter((x) => x.at >= tClose && x.chat.kind === 'group')) {
  const g = perGroup.get(s.chat.chatId) ?? { results: 0, rankings: 0, answered: [], lastAt: 0 };
  const answered = /(\d+)人作答/.exec(s.text);
  if (/^答题 #\d+ 第1\/1题结束/.test(s.text)) g.results++;
  if (answered) g.answered.push(Number(answered[1]));
  if (/^答题 #\d+ 结束，排名/.test(s.text)) g.rankings++;
  g.lastAt = Math.max(g.lastAt, s.at);
  perGroup.set(s.chat.chatId, g);
}
const groupsList = [...perGroup.values()];
const expectedPerGroup = (k: number) => Math.floor(MEMBERS / GROUPS) + (k <= MEMBERS % GROUPS ? 1 : 0);
const wrongCounts = [...perGroup].filter(([chat, g]) => g.answered[0] !== expectedPerGroup(Number(chat.slice(8)))).length;
const acks = new Map<string, number>();
for (const s of seen) if (s.chat.kind === 'private') acks.set(s.chat.chatId, (acks.get(s.chat.chatId) ?? 0) + 1);
const sendTimes = seen.filter((s) => s.at >= tClose).map((s) => s.at / 1000).sort((a, b) => a - b);
const resultMessages = groupsList.reduce((a, g) => a + g.results + g.rankings, 0);

const answers = Number(row.answers);
const lost = {
  answers_not_recorded: MEMBERS - Number(row.members),
  events_never_processed: Number(row.events) - Number(row.done),
  groups_without_result: GROUPS - groupsList.filter((g) => g.results >= 1).length,
  groups_without_ranking: GROUPS - groupsList.filter((g) => g.rankings >= 1).length,
  groups_whose_result_miscounts_answers: wrongCounts,
};
const twice = {
  answers_recorded_twice: answers - Number(row.members),
  results_delivered_twice: groupsList.reduce((a, g) => a + Math.max(0, g.results - 1) + Math.max(0, g.rankings - 1), 0),
  acks_delivered_twice: [...acks.values()].reduce((a, n) => a + Math.max(0, n - 1), 0),
};
const closeToResults = summarize(groupsList.map((g) => g.lastAt - tClose));
const answerToProcessed = summarize(processedMs);
const botCpuPerAnswer = (cpu.user + cpu.system) / 1000 / MEMBERS;
const pgCpuPerAnswer = pgCpuMs / MEMBERS;
const limits = TELEGRAM_DEFAULT_RATE_LIMITS;
const firstMinutePerS = (offsets.filter((t) => t < 60).length / 60) * SCALE;
const capacity = 2000 / (botCpuPerAnswer + pgCpuPerAnswer);
const cpuShare = (cpu.user + cpu.system) / 1000 / (answersDoneS * 1000);
const poolTimeouts = [...errorLines].filter(([k]) => k.includes('Unable to start a transaction')).reduce((a, [, n]) => a + n, 0);
const limitedBy = [
  ...(capacity < firstMinutePerS
    ? [`CPU per answer: ${round(botCpuPerAnswer, 1)} ms in the bot + ${round(pgCpuPerAnswer, 1)} ms in PostgreSQL allows at most ${round(capacity, 0)} answers/s on 2 free cores; the first minute offers ${round(firstMinutePerS, 0)}/s`]
    : []),
  `the machine: the bot process got ${round(cpuShare, 2)} of one core (load average ${String(machineBefore.loadavg_1m)} before, ${round(os.loadavg()[0]!, 1)} after)`,
  ...(processedAfterClose > 0 ? [`${processedAfterClose} answers that arrived before the close were processed after it and ignored (the quiz judges an answer by when it is processed)`] : []),
  ...(poolTimeouts > 0 ? [`the pool: ${poolTimeouts} event transactions waited over 2 s for one of 10 connections (recording each event is not bounded by the lanes)`] : []),
  ...(closeToResults.max_ms / 1000 > 2 * (resultMessages / (limits.globalPerSecond * SCALE))
    ? [`the close: the last results took ${round(closeToResults.max_ms / 1000, 1)} s against the platform's floor of ${round(resultMessages / (limits.globalPerSecond * SCALE), 1)} s (each time-up waits, looking again every 2 s of bot time, while answers recorded before the close are still queued: ${processedAfterClose} were)`]
    : []),
];

emit({
  benchmark: 'county',
  database: 'postgresql',
  instances: 2,
  groups: GROUPS,
  members: MEMBERS,
  scale: SCALE,
  scale_note: SCALE === 1 ? 'real time: five minutes of answers in 300 s' : `time compressed ${SCALE}×: five minutes of answers offered in ${round(300 / SCALE, 0)} real seconds; the bot's clock and the platform limits run ${SCALE}× too`,
  arrival_curve: {
    shape: `truncated exponential: ${CURVE.firstMinuteShare * 100}% in the first minute, decay ${round(decayRate(CURVE), 4)}/s after, none after ${CURVE.windowS} s`,
    peak_offered_answers_per_real_s: peakPerSecond(offsets.map((t) => t / SCALE)),
    mean_offered_answers_per_real_s: round((MEMBERS / CURVE.windowS) * SCALE, 1),
    right_share: RIGHT_SHARE,
  },
  platform_limits: { ...limits, in_bot_time: true, note: 'Telegram defaults, enforced by each instance\'s outbox in bot time (so ×scale in real time)' },
  setup: { roster_bulk_insert_ms: round(rosterMs, 0), quiz_commands_ms: round(quizStartMs, 0), questions_delivered_ms: round(postMs, 0) },
  answers: {
    arrival_to_recorded: summarize(recordedMs),
    arrival_to_processed: answerToProcessed,
    all_processed_after_s: round(answersDoneS, 1),
    outcomes: Object.fromEntries(outcomes),
    processed_after_the_close: processedAfterClose,
    peak_processed_per_real_s: peakPerSecond(processedAt.sort((a, b) => a - b)),
    cpu_ms_per_answer_bot_process: round(botCpuPerAnswer, 2),
    cpu_ms_per_answer_postgresql: Number.isNaN(pgCpuMs) ? null : round(pgCpuPerAnswer, 2),
    cpu_bound_answers_per_s_on_2_free_cores: Number.isNaN(pgCpuMs) ? null : round(2000 / (botCpuPerAnswer + pgCpuPerAnswer), 0),
    per_answer_in_postgresql: perAnswer(tables0, tables1, MEMBERS),
    bot_process_cpu_share_of_one_core: round((cpu.user + cpu.system) / 1000 / (answersDoneS * 1000), 2),
  },
  results: {
    close_to_group_results_delivered: closeToResults,
    last_group_after_s: round((tResults - tClose) / 1000, 1),
    result_messages: resultMessages,
    close_passes_per_instance: closePasses,
    acks_delivered_before_close: acksAtClose,
    acks_delivered_by_end: [...acks.values()].reduce((a, n) => a + n, 0),
    acks_not_yet_delivered_at_end: MEMBERS - acks.size,
    platform_floor_s: round(resultMessages / (limits.globalPerSecond * SCALE), 1),
    peak_sends_per_real_s_both_instances: peakPerSecond(sendTimes),
    allowed_sends_per_real_s_one_account: limits.globalPerSecond * SCALE,
  },
  lost,
  twice,
  limited_by: limitedBy,
  failed_events: failures.rows.map((r) => ({ status: r.status, error: r.error, count: Number(r.n) })),
  warnings_logged: Object.fromEntries([...errorLines].sort((a, b) => b[1] - a[1]).slice(0, 6)),
  outbox_by_status: Object.fromEntries(outbox.rows.map((r) => [r.status, Number(r.n)])),
  pool: { event_concurrency_per_instance: DEFAULT_EVENT_CONCURRENCY, pg_pool_per_instance: 10 },
  targets: {
    answer_p99_under_2_s: answerToProcessed.p99_ms < 2000,
    zero_lost: Object.values(lost).every((n) => n === 0),
    zero_twice: Object.values(twice).every((n) => n === 0),
  },
  note: 'the driver and both instances share one Node process (one core at most); the PostgreSQL server is the local one of .ci/postgres.sh (fsync off)',
  machine_before: machineBefore,
  machine: machine(),
});
await db.end();
await admin.query(`DROP DATABASE ${quotePgIdent(name)} WITH (FORCE)`);
await admin.end();
process.exit(0);
