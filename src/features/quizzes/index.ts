/**
 * The study quiz slice (理论学习): `/quiz` (group quizzes, the daily question opt-in, CSV import,
 * the list of banks), `/answer` (typed and native answers), `/rank`, `/mistakes`, the bare answers
 * of `onPlainText`, points and streak lines for `/whoami`, and the timed work (question time-up,
 * next question, the daily question) registered with the scheduler.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { noArgs } from '../../bot/args.ts';
import { command, UsageError, UserError, type Context, type Feature, type Tx } from '../../bot/feature.ts';
import type { Role } from '../../bot/types.ts';
import { privateChatsOf } from '../../bot/roster.ts';
import type { JobContext, TaskSpec } from '../../scheduler/contract.ts';
import { scheduleTask as scheduleStoredTask } from '../../scheduler/tasks.ts';
import type { FeatureServices } from '../index.ts';
import { answerArgs, isStartableBankName, quizArgs, rankArgs, type AnswerArgs, type QuizArgs } from './args.ts';
import { foldName, loadBanks } from './banks.ts';
import { Catalog } from './catalog.ts';
import { decodeTextDocument } from '../../bot/text-attachments.ts';
import { CsvFormatError, MAX_IMPORT_BYTES, parseQuizCsv, type CsvImport } from './csv.ts';
import {
  answerQuiz,
  openNextQuestion,
  previewAnswer,
  readAnswer,
  questionTimeUp,
  startQuiz,
  stopQuiz,
  TASK_OPEN,
  TASK_TIME_UP,
  type QuizEnv,
  type QuizSettings,
} from './engine.ts';
import { streakOf, townshipLeaderboard, unitLeaderboard } from './leaderboard.ts';
import { quizReportSections } from './report.ts';
import { answerPersonal, presentNextReview, sendDailyQuestions, showDay } from './personal.ts';
import {
  answerDays,
  createImportedBank,
  dailyEnabled,
  dayRecord,
  dueMistakes,
  getQuiz,
  openMistakes,
  openPromptIn,
  runningQuizInChat,
  setDaily,
  totalPoints,
} from './store.ts';
import { localDay } from './util.ts';

/** For other features (`/report`): quiz participation of a unit over a period. */
export { quizParticipation, type QuizParticipation } from './store.ts';
import { quizQuestion, type QuizRow } from './store.ts';

const MEMBERS: Role[] = ['admin', 'secretary', 'member'];
const ALL: Role[] = ['admin', 'secretary', 'member', 'masses'];

/** Schedules a durable one-off task in a transaction (the scheduler's `scheduleTask`). */
export type ScheduleFn = (tx: Tx, spec: TaskSpec) => Promise<unknown>;

/** Options of the quiz feature (tests override the defaults). */
export interface QuizFeatureOptions {
  /** Where the YAML banks are (default `<promptsDir>/quizzes`). */
  readonly banksDir?: string;
  /** Where `/quiz import 名称 文件.csv` reads files (default `<BOT_DATA_DIR>/imports`). */
  readonly importsDir?: string;
  readonly settings?: Partial<QuizSettings>;
  /** The daily question's cron expression (default `QUIZ_DAILY_CRON`). */
  readonly dailyCron?: string;
  readonly scheduleTask?: ScheduleFn;
}

/** The environment of the quiz steps inside a command handler. */
function envOf(ctx: Context, schedule: ScheduleFn): QuizEnv {
  return { db: ctx.db, now: () => ctx.now(), t: ctx.t, timeZone: ctx.timeZone, send: (c, m) => ctx.send(c, m), scheduleTask: async (s) => void (await schedule(ctx.db, s)) };
}

/** The environment of the quiz steps inside a scheduled job. */
function jobEnv(job: JobContext, schedule: ScheduleFn) {
  return {
    db: job.db,
    now: () => job.now(),
    t: job.t,
    timeZone: job.timeZone,
    send: (c: Parameters<JobContext['send']>[0], m: Parameters<JobContext['send']>[1]) => job.send(c, m),
    scheduleTask: async (s: TaskSpec) => void (await schedule(job.db, s)),
    capabilitiesOf: (p: Parameters<JobContext['capabilitiesOf']>[0]) => job.capabilitiesOf(p),
  };
}

const TaskPayload = z.object({ quizId: z.number().int().positive(), position: z.number().int().min(0) });

/** `HH:MM` of a daily cron `M H * * *`, or undefined for other schedules. */
function dailyTime(cron: string): string | undefined {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim());
  return m ? `${m[2]!.padStart(2, '0')}:${m[1]!.padStart(2, '0')}` : undefined;
}

/** Builds the quiz feature; the banks are loaded and validated here, once (a bad bank stops start-up). */
export function quizzesFeature(services: FeatureServices, options: QuizFeatureOptions = {}): Feature {
  const { config } = services;
  const catalog = new Catalog(loadBanks(options.banksDir ?? path.join(services.promptsDir, 'quizzes')));
  const settings: QuizSettings = {
    openSeconds: config.QUIZ_QUESTION_SECONDS,
    pauseSeconds: 5,
    dailyCap: config.QUIZ_DAILY_CAP,
    defaultCount: 5,
    maxCount: 20,
    personalPoints: 5,
    ...options.settings,
  };
  const dailyCron = options.dailyCron ?? config.QUIZ_DAILY_CRON;
  const importsDir = options.importsDir ?? path.join(config.BOT_DATA_DIR, 'imports');
  const schedule = options.scheduleTask ?? scheduleStoredTask;

  async function runQuiz(ctx: Context, args: QuizArgs): Promise<void> {
    switch (args.action) {
      case 'start':
        return start(ctx, args);
      case 'stop':
        return stop(ctx, args.id);
      case 'daily':
        return daily(ctx, args.enabled);
      case 'import':
        return importBank(ctx, args);
      case 'banks': {
        const banks = await catalog.listBanks(ctx.db);
        const lines = banks.map((b) => ctx.t('quizzes.banks.line', { name: b.name, count: b.count, aliases: b.aliases.length ? ctx.t('quizzes.banks.aliases', { aliases: b.aliases.slice(0, 3).join('、') }) : '' }));
        ctx.reply([ctx.t('quizzes.banks.header'), ...lines, ctx.t('quizzes.banks.footer')].join('\n'));
        return;
      }
    }
  }

  async function start(ctx: Context, args: { bank?: string; count?: number; seconds?: number }): Promise<void> {
    const running = await runningQuizInChat(ctx.db, ctx.chat.id);
    if (running) throw new UserError('quizzes.start.running', { id: running.id });
    const bank = args.bank ? await catalog.findBank(ctx.db, args.bank) : undefined;
    if (args.bank && !bank) {
      const names = (await catalog.listBanks(ctx.db)).map((b) => b.name).join('、');
      throw new UserError('quizzes.start.noBank', { name: args.bank, banks: names });
    }
    await startQuiz(envOf(ctx, schedule), catalog, settings, {
      chatId: ctx.chat.id,
      chat: ctx.chat.ref,
      unitId: ctx.chat.ref.kind === 'group' ? ctx.chat.unitId : ctx.member.unitId,
      memberId: ctx.member.id,
      bank,
      count: Math.min(args.count ?? settings.defaultCount, settings.maxCount),
      openSeconds: args.seconds ?? settings.openSeconds,
    });
  }

  async function stop(ctx: Context, id: number | undefined): Promise<void> {
    const quiz = id !== undefined ? await getQuiz(ctx.db, id) : await runningQuizInChat(ctx.db, ctx.chat.id);
    if (!quiz || quiz.chatId !== ctx.chat.id) throw new UserError(id !== undefined ? 'quizzes.answer.noQuiz' : 'quizzes.stop.none', { id: id ?? 0 });
    if (quiz.status !== 'running') throw new UserError('quizzes.answer.ended', { id: quiz.id });
    const allowed = ctx.member.role === 'admin' || ctx.member.role === 'secretary' || quiz.startedById === ctx.member.id;
    if (!allowed) throw new UserError('quizzes.stop.forbidden', { id: quiz.id });
    await stopQuiz(envOf(ctx, schedule), quiz);
    await ctx.audit('quiz.stop', `quiz ${quiz.id}`);
  }

  async function daily(ctx: Context, enabled: boolean | undefined): Promise<void> {
    const time = dailyTime(dailyCron);
    const when = time ? ctx.t('quizzes.daily.at', { time }) : ctx.t('quizzes.daily.scheduled');
    if (enabled === undefined) {
      const on = await dailyEnabled(ctx.db, ctx.member.id);
      ctx.reply(ctx.t(on ? 'quizzes.daily.statusOn' : 'quizzes.daily.statusOff', { when }));
      return;
    }
    await setDaily(ctx.db, ctx.member.id, enabled, ctx.now());
    if (!enabled) {
      ctx.reply(ctx.t('quizzes.daily.off'));
      return;
    }
    const reachable = (await privateChatsOf(ctx.db, ctx.member.id)).some((c) => ctx.capabilitiesOf(c.platform).privateMessages);
    ctx.reply(ctx.t('quizzes.daily.on', { when }) + (reachable ? '' : `\n${ctx.t('quizzes.daily.unreachable')}`));
  }

  async function importBank(ctx: Context, args: { name: string; csv?: string; file?: string }): Promise<void> {
    if (ctx.member.role !== 'admin' && ctx.member.role !== 'secretary') throw new UserError('quizzes.import.forbidden');
    const folded = foldName(args.name);
    if (!isStartableBankName(args.name)) throw new UserError('quizzes.import.nameReserved', { name: args.name });
    if (catalog.isFileBankName(args.name) || (await catalog.findBank(ctx.db, args.name))) {
      throw new UserError('quizzes.import.nameTaken', { name: args.name });
    }
    const text = args.csv ?? (args.file !== undefined ? readImportFile(args.file) : attachedCsv(ctx));
    let result: CsvImport;
    try {
      result = parseQuizCsv(text);
    } catch (err) {
      if (err instanceof CsvFormatError) throw new UserError(`quizzes.import.format.${err.key}`, err.vars);
      throw err;
    }
    const report = importReport(ctx, result);
    if (result.accepted.length === 0) throw new UserError('quizzes.import.noneAccepted', { report });
    const bankId = await createImportedBank(ctx.db, { name: args.name, foldedName: folded, createdById: ctx.member.id, unitId: ctx.member.unitId, now: ctx.now() }, result.accepted);
    await ctx.audit('quiz.import', `bank ${bankId} "${args.name}": ${result.accepted.length} accepted, ${result.refused.length} refused`);
    ctx.reply([ctx.t('quizzes.import.done', { name: args.name, accepted: result.accepted.length, refused: result.refused.length }), report, ctx.t('quizzes.import.next', { name: args.name })].filter(Boolean).join('\n'));
  }

  /** The CSV sent as a file with the command (its caption), read by the adapter; see Attachment.text. */
  function attachedCsv(ctx: Context): string {
    const content = ctx.incoming.content;
    const doc = content.type === 'text' ? content.attachments?.find((a) => a.kind === 'file') : undefined;
    if (doc?.text !== undefined) return doc.text;
    if (doc?.textError === 'tooBig') throw new UserError('quizzes.import.format.tooBig', { max: `${MAX_IMPORT_BYTES / 1000} kB` });
    if (doc) throw new UserError('quizzes.import.attachmentUnreadable', { file: doc.name ?? '' });
    throw new UsageError();
  }

  function readImportFile(file: string): string {
    const full = path.join(importsDir, path.basename(file));
    let size: number;
    try {
      size = statSync(full).size;
    } catch {
      throw new UserError('quizzes.import.noFile', { file: path.basename(file) });
    }
    if (size > MAX_IMPORT_BYTES) throw new UserError('quizzes.import.format.tooBig', { max: `${MAX_IMPORT_BYTES / 1000} kB` });
    try {
      return decodeTextDocument(readFileSync(full));
    } catch {
      throw new UserError('quizzes.import.attachmentUnreadable', { file: path.basename(file) });
    }
  }

  async function answer(ctx: Context, args: AnswerArgs): Promise<void> {
    const nativeAnswer = ctx.incoming.content.type === 'poll_answer';
    const env = envOf(ctx, schedule);
    const quiz = args.id !== undefined ? await getQuiz(ctx.db, args.id) : await runningQuizInChat(ctx.db, ctx.chat.id);
    if (args.id !== undefined && (!quiz || quiz.chatId !== ctx.chat.id)) throw new UserError('quizzes.answer.noQuiz', { id: args.id });
    if (quiz) {
      if (quiz.status !== 'running') {
        if (!nativeAnswer) ctx.reply(ctx.t('quizzes.answer.ended', { id: quiz.id }));
        return;
      }
      const position = quiz.current;
      const outcome = await answerQuiz(env, catalog, settings, quiz, ctx.member.id, args.text, args.position);
      if (outcome === 'unparsed') throw new UsageError();
      if (outcome === 'recorded' && !nativeAnswer) await acknowledge(ctx, quiz, position);
      if (outcome === 'already') ctx.reply(ctx.t('quizzes.answer.already', { name: ctx.member.name }));
      if (outcome === 'closed' && !nativeAnswer) ctx.reply(ctx.t('quizzes.answer.closed', { name: ctx.member.name }));
      return;
    }
    const prompt = await openPromptIn(ctx.db, ctx.member.id, ctx.chat.ref);
    if (!prompt) throw new UserError('quizzes.answer.nothing');
    if (!(await answerPersonal(env, catalog, settings, prompt, args.text))) throw new UsageError();
  }

  /** Records a bare answer to the open question of the chat's quiz, and acknowledges it. */
  async function answerInGroup(ctx: Context, quiz: QuizRow, text: string): Promise<void> {
    const position = quiz.current;
    if ((await answerQuiz(envOf(ctx, schedule), catalog, settings, quiz, ctx.member.id, text)) === 'recorded') await acknowledge(ctx, quiz, position);
  }

  /**
   * Tells a member in a group that their answer counted, without saying whether it is right:
   * privately where the platform can, else one short line in the group.
   */
  async function acknowledge(ctx: Context, quiz: QuizRow, position: number): Promise<void> {
    if (ctx.chat.ref.kind !== 'group') return;
    // An answer that closed the question early needs no receipt: the result is out.
    if ((await quizQuestion(ctx.db, quiz.id, position))?.closedAt) return;
    const own = ctx.capabilities.privateMessages ? (await privateChatsOf(ctx.db, ctx.member.id)).find((c) => c.platform === ctx.chat.ref.platform) : undefined;
    if (own) ctx.send(own, ctx.t('quizzes.answer.ack', { id: quiz.id, position: position + 1 }));
    else ctx.reply(ctx.t('quizzes.answer.ackGroup', { name: ctx.member.name }));
  }

  async function mistakes(ctx: Context): Promise<void> {
    const today = localDay(ctx.now(), ctx.timeZone);
    const open = await openMistakes(ctx.db, ctx.member.id);
    const due = await dueMistakes(ctx.db, ctx.member.id, today);
    if (open.length === 0) return ctx.reply(ctx.t('quizzes.mistakes.none'));
    if (due.length === 0) return ctx.reply(ctx.t('quizzes.mistakes.notDue', { open: open.length, day: showDay(ctx.t, open[0]!.dueDay) }));
    let target = ctx.chat.ref;
    if (target.kind === 'group' && ctx.capabilities.privateMessages) {
      const own = (await privateChatsOf(ctx.db, ctx.member.id)).find((c) => c.platform === target.platform);
      if (own) target = own;
    }
    if (target.kind === 'group' && (await runningQuizInChat(ctx.db, ctx.chat.id))) throw new UserError('quizzes.mistakes.quizRunning');
    if (target !== ctx.chat.ref) ctx.reply(ctx.t('quizzes.mistakes.sentPrivately', { name: ctx.member.name, due: due.length }));
    ctx.send(target, ctx.t('quizzes.mistakes.header', { due: due.length, open: open.length }));
    await presentNextReview(envOf(ctx, schedule), catalog, ctx.member.id, target);
  }

  return {
    name: 'quizzes',
    commands: [
      command({
        name: 'quiz',
        aliases: ['答题'],
        roles: MEMBERS,
        summaryKey: 'quizzes.quiz.summary',
        usageKey: 'quizzes.quiz.usage',
        args: quizArgs,
        handler: runQuiz,
      }),
      command({
        name: 'answer',
        aliases: ['答'],
        roles: MEMBERS,
        summaryKey: 'quizzes.answer.summary',
        usageKey: 'quizzes.answer.usage',
        args: answerArgs,
        handler: answer,
      }),
      command({
        name: 'rank',
        aliases: ['积分榜', '排行榜'],
        roles: ALL,
        summaryKey: 'quizzes.rank.summary',
        usageKey: 'quizzes.rank.usage',
        args: rankArgs,
        handler: async (ctx, { scope }) => {
          if (scope === 'township') {
            if (ctx.member.role !== 'admin') throw new UserError('quizzes.rank.adminOnly');
            return ctx.reply(await townshipLeaderboard(ctx.db, ctx.t));
          }
          if (ctx.unitId === null) throw new UserError('quizzes.rank.noUnit');
          ctx.reply(await unitLeaderboard(ctx.db, ctx.t, ctx.unitId, ctx.member.id));
        },
      }),
      command({
        name: 'mistakes',
        aliases: ['错题本', '错题'],
        roles: MEMBERS,
        summaryKey: 'quizzes.mistakes.summary',
        usageKey: 'quizzes.mistakes.usage',
        args: noArgs,
        handler: mistakes,
      }),
    ],
    async claimAnswer(ctx, text) {
      if (!MEMBERS.includes(ctx.member.role) || [...text].length > 20) return [];
      const env = envOf(ctx, schedule);
      const quiz = await runningQuizInChat(ctx.db, ctx.chat.id);
      if (quiz) {
        const preview = await previewAnswer(env, catalog, quiz, ctx.member.id, text);
        if (preview.kind === 'already') return [{ kind: 'answered', reply: ctx.t('quizzes.answer.already', { name: ctx.member.name }) }];
        if (preview.kind === 'open') {
          const label = ctx.t('quizzes.answer.claimLabel', { id: quiz.id, position: preview.row.position + 1 });
          return [{ kind: 'awaiting', label, command: `/answer #${quiz.id} ${text}`, run: () => answerInGroup(ctx, quiz, text) }];
        }
      }
      const prompt = await openPromptIn(ctx.db, ctx.member.id, ctx.chat.ref);
      const question = prompt ? await catalog.question(ctx.db, prompt.questionKey) : undefined;
      if (!prompt || !question || readAnswer(question, text) === undefined) return [];
      const run = async () => void (await answerPersonal(env, catalog, settings, prompt, text));
      return [{ kind: 'awaiting', label: ctx.t('quizzes.answer.claimPersonal'), command: `/answer ${text}`, run }];
    },
    async profileLines(ctx) {
      if (!MEMBERS.includes(ctx.member.role)) return [];
      const today = localDay(ctx.now(), ctx.timeZone);
      const total = (await totalPoints(ctx.db, [ctx.member.id])).get(ctx.member.id) ?? 0;
      const day = await dayRecord(ctx.db, ctx.member.id, today);
      const streak = streakOf(await answerDays(ctx.db, ctx.member.id), today);
      const open = (await openMistakes(ctx.db, ctx.member.id)).length;
      return [
        ctx.t('quizzes.profile.points', { total, today: day.points, cap: settings.dailyCap }),
        ctx.t('quizzes.profile.streak', { days: streak, mistakes: open }),
      ];
    },
    reportSections: quizReportSections,
    jobs(scheduler) {
      scheduler.handle(TASK_TIME_UP, async (job, payload) => {
        const p = TaskPayload.parse(payload);
        await questionTimeUp(jobEnv(job, schedule), catalog, settings, p.quizId, p.position);
      });
      scheduler.handle(TASK_OPEN, async (job, payload) => {
        const p = TaskPayload.parse(payload);
        await openNextQuestion(jobEnv(job, schedule), catalog, settings, p.quizId, p.position);
      });
      scheduler.cron('quizzes.daily', dailyCron, async (job) => {
        await sendDailyQuestions(jobEnv(job, schedule), catalog);
      }, { reportMissed: false });
    },
  };
}

/** The refused rows of an import, one line each (at most 30, then a count of the rest). */
function importReport(ctx: Context, result: CsvImport): string {
  const shown = result.refused.slice(0, 30).map((r) =>
    ctx.t('quizzes.import.refusedLine', { line: r.line, reasons: r.reasons.map((x) => ctx.t(`quizzes.import.reason.${x.key}`, x.vars)).join(ctx.t('quizzes.import.reasonSeparator')) }),
  );
  if (result.refused.length > 30) shown.push(ctx.t('quizzes.import.moreRefused', { count: result.refused.length - 30 }));
  return shown.join('\n');
}
