/**
 * Polls and ratings (issues 7 and 12): choice polls (`/poll`) and 0-100 ratings (`/rate`),
 * named or anonymous, turnout, results with a chart, CSV export, timed close and reminder; the
 * satisfaction part of the annual evaluation (the evaluation slice) comes from its ratings. This file assembles the feature; each command
 * lives in `commands/`.
 *
 * Secret ballots (issue 12; README "The promise"):
 * - No figure of an anonymous poll reaches anyone before it closes, and none with fewer than 5
 *   ballots (`--min` may raise it, never lower it): nothing to difference. `/turnout` says who has
 *   not voted, never how.
 * - An anonymous ballot comes only by button or in a private chat, once; it is never replaced
 *   (vote.ts says why). A bare answer in a group counts nothing and earns a private hint.
 * - The voter's transaction writes only the receipt; the ballot is staged in memory and written
 *   with at least four others, shuffled, in a transaction of its own (staging.ts, landing.ts).
 * - Every vote-like event is stored redacted from its first write (src/bot/secrecy.ts), the
 *   receipt code is sealed in the outbox and erased once delivered (src/outbox/seal.ts).
 * - Native polls (where the platform has them, within its `maxPollOptions`) only for named choice
 *   polls with live results; everything else is text with buttons (`/vote #N k`).
 * - Audience: the members of the chat's unit (secretaries and admins included), or its masses, or
 *   both; `--members` / `--masses` / `--all` choose.
 */
import { z } from 'zod';
import type { Feature } from '../../bot/feature.ts';
import type { Scheduler } from '../../scheduler/contract.ts';
import type { Logger } from '../../logger.ts';
import { purgeOldText } from '../../outbox/retention.ts';
import { closeCommand, resultsCommand, turnoutCommand } from './commands/manage.ts';
import { CHART_RENDERER, renderChartMessage } from './chart.ts';
import { pollCommand, rateCommand, TASK_CLOSE, TASK_REMIND } from './commands/poll.ts';
import { voteCommand } from './commands/vote.ts';
import { publishCommand } from './formal/publish.ts';
import { exportPoll } from './export.ts';
import { notifyLost, recoverOnFirstLook } from './landing.ts';
import { closePoll, closeRecheck, remindPoll, type PollsRuntime } from './lifecycle.ts';
import { claimBareAnswer } from './plain-text.ts';
import { pollsListCommand } from './commands/open-list.ts';
import { reportSections } from './report.ts';
import { BallotStager } from './staging.ts';
import { openAnonymousPolls } from './store.ts';

export { DEFAULT_MIN_BALLOTS, MAX_OPTION_LENGTH, MAX_OPTIONS, MAX_QUESTION_LENGTH, TASK_CLOSE, TASK_REMIND } from './commands/poll.ts';
export { acceptsVotes, closePoll, hiddenByMin, parseAnswer, pollChat, reminderTime, remindPoll, resultsMessages, tallyPoll, turnoutOf, type PollsRuntime } from './lifecycle.ts';
export { satisfactionScore } from './report.ts';

/**
 * Daily job: voters of batches lost by a restart are told (sooner when anyone votes or writes in
 * that poll's chat). Daily, with the retention, not every minute: a job due every minute would be
 * the next due time of every scheduler pass.
 */
const RECOVERY_JOB = 'polls.recoverStaged';
/** Recurring job: old message text is dropped (retention). */
const RETENTION_JOB = 'privacy.retention';

/** What the polls feature is built with. */
export interface PollsOptions {
  readonly logger?: Logger;
  /** `BOT_RETENTION_DAYS`: days after which event and outbox text is dropped (default 30). */
  readonly retentionDays?: number;
  /** The staged ballots, shared with the review slice's 民主测评 (`newPollsRuntime`). */
  readonly runtime?: PollsRuntime;
}

/** Registers the feature's scheduled work. */
function registerJobs(scheduler: Scheduler, runtime: PollsRuntime, retentionDays: number): void {
  const payload = z.object({ pollId: z.number().int().positive() });
  scheduler.handle(TASK_CLOSE, async (job, data) => {
    const { pollId } = payload.parse(data);
    const recheck = await closeRecheck(job, pollId);
    if (recheck) return job.scheduleTask({ kind: TASK_CLOSE, key: `${TASK_CLOSE}:${pollId}`, dueAt: recheck, payload: { pollId } });
    for (const d of (await closePoll(job, pollId, runtime)) ?? []) job.send(d.chat, d.message);
  });
  scheduler.handle(TASK_REMIND, async (job, data) => {
    for (const d of await remindPoll(job, payload.parse(data).pollId)) job.send(d.chat, d.message);
  });
  scheduler.cron(
    RECOVERY_JOB,
    '17 3 * * *',
    async (job) => {
      for (const poll of await openAnonymousPolls(job.db)) {
        const recovery = await recoverOnFirstLook(job.db, poll, runtime.stager);
        for (const d of await notifyLost(job, poll, recovery.lost, false)) job.send(d.chat, d.message);
        recovery.committed();
      }
    },
    { reportMissed: false },
  );
  scheduler.cron(
    RETENTION_JOB,
    '17 3 * * *',
    async (job) => {
      const purged = await purgeOldText(job.db, job.now(), retentionDays);
      runtime.logger?.info(purged, 'old message text dropped (retention)');
    },
    { reportMissed: false },
  );
}

/** Builds the polls feature. */
export function pollsFeature(opts: PollsOptions = {}): Feature {
  const runtime: PollsRuntime = opts.runtime ?? { stager: new BallotStager(), logger: opts.logger };
  return {
    name: 'polls',
    commands: [
      pollCommand,
      rateCommand,
      voteCommand(runtime),
      resultsCommand(runtime),
      closeCommand(runtime),
      pollsListCommand,
      turnoutCommand(),
      publishCommand,
    ],
    exportById: exportPoll,
    claimAnswer: (ctx, text) => claimBareAnswer(ctx, text, runtime),
    reportSections: (ctx, scope) => reportSections(ctx, scope),
    jobs: (scheduler: Scheduler) => registerJobs(scheduler, runtime, opts.retentionDays ?? 30),
    renderers: { [CHART_RENDERER]: renderChartMessage },
  };
}
