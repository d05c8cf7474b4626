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
import { command, UsageError, UserError, type AnswerClaim, type Context, type Feature } from '../../bot/feature.ts';
import { isPartyMember, mayManageIn, PARTY_MEMBER } from '../../bot/policy.ts';
import { privateChatsOf } from '../../bot/roster.ts';
import type { Scheduler } from '../../scheduler/contract.ts';
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
  type QuizSettings,
} from './engine.ts';
import { ownStanding, streakOf, townshipLeaderboard, unitLeaderboard } from './leaderboard.ts';
import { settingOn } from '../settings/api.ts';
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

import { quizQuestion, type QuizRow } from './store.ts';


/** Options of the quiz feature (tests override the defaults). */
export interface QuizFeatureOptions {
  /** Where the YAML banks are (default `<promptsDir>/quizzes`). */
  readonly banksDir?: string;
  /** Where `/quiz import 名称 文件.csv` reads files (default `<BOT_DATA_DIR>/imports`). */
  readonly importsDir?: string;
  readonly settings?: Partial<QuizSettings>;
  /** The daily question's cron expression (default `QUIZ_DAILY_CRON`). */
  readonly dailyCron?: string;
}

const TaskPayload = z.object({ quizId: z.number().int().positive(), position: z.number().int().min(0) });

/** `HH:MM` of a daily cron `M H * * *`, or undefined for other schedules. */
function dailyTime(cron: string): string | undefined {
  const m = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim());
  return m ? `${m[2]!.padStart(2, '0')}:${m[1]!.padStart(2, '0')}` : undefined;
}

/** The quiz commands' work, over the banks and settings the feature was built with. */
class Quizzes {
  constructor(
    readonly catalog: Catalog,
    readonly settings: QuizSettings,
    readonly dailyCron: string,
    readonly importsDir: string,
  ) {}

  async runQuiz(ctx: Context, args: QuizArgs): Promise<void> {
    switch (args.action) {
      case 'start':
        return this.start(ctx, args);
      case 'stop':
        return this.stop(ctx, args.id);
      case 'daily':
        return this.daily(ctx, args.enabled);
      case 'import':
        return this.importBank(ctx, args);
      case 'banks': {
        const banks = await this.catalog.listBanks(ctx.db);
        const lines = banks.map((b) => ctx.t('quizzes.banks.line', { name: b.name, count: b.count, aliases: b.aliases.length ? ctx.t('quizzes.banks.aliases', { aliases: b.aliases.slice(0, 3).join('、') }) : '' }));
        ctx.reply([ctx.t('quizzes.banks.header'), ...lines, ctx.t('quizzes.banks.footer')].join('\n'));
        return;
      }
    }
  }

  async start(ctx: Context, args: { bank?: string; count?: number; seconds?: number }): Promise<void> {
    const running = await runningQuizInChat(ctx.db, ctx.chat.id);
    if (running) throw new UserError('quizzes.start.running', { id: running.id });
    const bank = args.bank ? await this.catalog.findBank(ctx.db, args.bank) : undefined;
    if (args.bank && !bank) {
      const names = (await this.catalog.listBanks(ctx.db)).map((b) => b.name).join('、');
      throw new UserError('quizzes.start.noBank', { name: args.bank, banks: names });
    }
    await startQuiz(ctx, this.catalog, this.settings, {
      chatId: ctx.chat.id,
      chat: ctx.chat.ref,
      unitId: ctx.chat.ref.kind === 'group' ? ctx.chat.unitId : ctx.member.unitId,
      memberId: ctx.member.id,
      bank,
      count: Math.min(args.count ?? this.settings.defaultCount, this.settings.maxCount),
      openSeconds: args.seconds ?? this.settings.openSeconds,
    });
  }

  async stop(ctx: Context, id: number | undefined): Promise<void> {
    const quiz = id !== undefined ? await getQuiz(ctx.db, id) : await runningQuizInChat(ctx.db, ctx.chat.id);
    if (!quiz || quiz.chatId !== ctx.chat.id) throw new UserError(id !== undefined ? 'quizzes.answer.noQuiz' : 'quizzes.stop.none', { id: id ?? 0 });
    if (quiz.status !== 'running') throw new UserError('quizzes.answer.ended', { id: quiz.id });
    if (!(await mayManageIn(ctx.db, ctx.member, { unitId: quiz.unitId, ownerId: quiz.startedById }))) throw new UserError('quizzes.stop.forbidden', { id: quiz.id });
    await stopQuiz(ctx, quiz);
    await ctx.audit('quiz.stop', `quiz ${quiz.id}`);
  }

  async daily(ctx: Context, enabled: boolean | undefined): Promise<void> {
    const time = dailyTime(this.dailyCron);
    const when = time ? ctx.t('quizzes.daily.at', { time }) : ctx.t('quizzes.daily.scheduled');
    if (enabled === undefined) {
      const on = await dailyEnabled(ctx.db, ctx.member.id, await settingOn(ctx.db, ctx.member.unitId, 'dailyQuestion'));
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

  async importBank(ctx: Context, args: { name: string; csv?: string; file?: string }): Promise<void> {
    const folded = foldName(args.name);
    if (!isStartableBankName(args.name)) throw new UserError('quizzes.import.nameReserved', { name: args.name });
    if (this.catalog.isFileBankName(args.name) || (await this.catalog.findBank(ctx.db, args.name))) {
      throw new UserError('quizzes.import.nameTaken', { name: args.name });
    }
    const text = args.csv ?? (args.file !== undefined ? this.readImportFile(args.file) : this.attachedCsv(ctx));
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
  attachedCsv(ctx: Context): string {
    const content = ctx.incoming.content;
    const doc = content.type === 'text' ? content.attachments?.find((a) => a.kind === 'file') : undefined;
    if (doc?.text !== undefined) return doc.text;
    if (doc?.textError === 'tooBig') throw new UserError('quizzes.import.format.tooBig', { max: `${MAX_IMPORT_BYTES / 1000} kB` });
    if (doc) throw new UserError('quizzes.import.attachmentUnreadable', { file: doc.name ?? '' });
    throw new UsageError();
  }

  readImportFile(file: string): string {
    const full = path.join(this.importsDir, path.basename(file));
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

  async answer(ctx: Context, args: AnswerArgs): Promise<void> {
    const nativeAnswer = ctx.incoming.content.type === 'poll_answer';
    const quiz = args.id !== undefined ? await getQuiz(ctx.db, args.id) : await runningQuizInChat(ctx.db, ctx.chat.id);
    if (args.id !== undefined && (!quiz || quiz.chatId !== ctx.chat.id)) throw new UserError('quizzes.answer.noQuiz', { id: args.id });
    if (quiz) {
      if (quiz.status !== 'running') {
        if (!nativeAnswer) ctx.reply(ctx.t('quizzes.answer.ended', { id: quiz.id }));
        return;
      }
      const position = quiz.current;
      const outcome = await answerQuiz(ctx, this.catalog, this.settings, quiz, ctx.member.id, args.text, args.position);
      if (outcome === 'unparsed') throw new UsageError();
      if (outcome === 'recorded' && !nativeAnswer) await this.acknowledge(ctx, quiz, position);
      if (outcome === 'already') ctx.reply(ctx.t('quizzes.answer.already', { name: ctx.member.name }));
      if (outcome === 'closed' && !nativeAnswer) ctx.reply(ctx.t('quizzes.answer.closed', { name: ctx.member.name }));
      return;
    }
    const prompt = await openPromptIn(ctx.db, ctx.member.id, ctx.chat.ref);
    if (!prompt) throw new UserError('quizzes.answer.nothing');
    if (!(await answerPersonal(ctx, this.catalog, this.settings, prompt, args.text))) throw new UsageError();
  }

  async mistakes(ctx: Context): Promise<void> {
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
    await presentNextReview(ctx, this.catalog, ctx.member.id, target);
  }

  /** Records a bare answer to the open question of the chat's quiz, and acknowledges it. */
  async answerInGroup(ctx: Context, quiz: QuizRow, text: string): Promise<void> {
    const position = quiz.current;
    if ((await answerQuiz(ctx, this.catalog, this.settings, quiz, ctx.member.id, text)) === 'recorded') await this.acknowledge(ctx, quiz, position);
  }

  /**
   * Tells a member in a group that their answer counted, without saying whether it is right:
   * privately where the platform can, else one short line in the group.
   */
  async acknowledge(ctx: Context, quiz: QuizRow, position: number): Promise<void> {
    if (ctx.chat.ref.kind !== 'group') return;
    // An answer that closed the question early needs no receipt: the result is out.
    if ((await quizQuestion(ctx.db, quiz.id, position))?.closedAt) return;
    const own = ctx.capabilities.privateMessages ? (await privateChatsOf(ctx.db, ctx.member.id)).find((c) => c.platform === ctx.chat.ref.platform) : undefined;
    if (own) ctx.send(own, ctx.t('quizzes.answer.ack', { id: quiz.id, position: position + 1 }));
    else ctx.reply(ctx.t('quizzes.answer.ackGroup', { name: ctx.member.name }));
  }

  /** Claims on a bare answer: the chat's quiz question, or this member's personal question (see `settleAnswerClaims`). */
  async claimAnswer(ctx: Context, text: string): Promise<AnswerClaim[]> {
    if (!isPartyMember(ctx.member) || [...text].length > 20) return [];
    const quiz = await runningQuizInChat(ctx.db, ctx.chat.id);
    if (quiz) {
      const preview = await previewAnswer(ctx, this.catalog, quiz, ctx.member.id, text);
      if (preview.kind === 'already') return [{ kind: 'answered', reply: ctx.t('quizzes.answer.already', { name: ctx.member.name }) }];
      if (preview.kind === 'open') {
        const label = ctx.t('quizzes.answer.claimLabel', { id: quiz.id, position: preview.row.position + 1 });
        return [{ kind: 'awaiting', label, command: `/answer #${quiz.id} ${text}`, run: () => this.answerInGroup(ctx, quiz, text) }];
      }
    }
    const prompt = await openPromptIn(ctx.db, ctx.member.id, ctx.chat.ref);
    const question = prompt ? await this.catalog.question(ctx.db, prompt.questionKey) : undefined;
    if (!prompt || !question || readAnswer(question, text) === undefined) return [];
    const run = async () => void (await answerPersonal(ctx, this.catalog, this.settings, prompt, text));
    return [{ kind: 'awaiting', label: ctx.t('quizzes.answer.claimPersonal'), command: `/answer ${text}`, run }];
  }

  /** Points, streak and open mistakes for /whoami. */
  async profileLines(ctx: Context): Promise<string[]> {
    if (!isPartyMember(ctx.member)) return [];
    const today = localDay(ctx.now(), ctx.timeZone);
    const total = (await totalPoints(ctx.db, [ctx.member.id])).get(ctx.member.id) ?? 0;
    const day = await dayRecord(ctx.db, ctx.member.id, today);
    const streak = streakOf(await answerDays(ctx.db, ctx.member.id), today);
    const open = (await openMistakes(ctx.db, ctx.member.id)).length;
    return [
      ctx.t('quizzes.profile.points', { total, today: day.points, cap: this.settings.dailyCap }),
      ctx.t('quizzes.profile.streak', { days: streak, mistakes: open }),
    ];
  }

  /** Question time-ups, next questions and the daily question. */
  jobs(scheduler: Scheduler): void {
    scheduler.handle(TASK_TIME_UP, async (job, payload) => {
      const p = TaskPayload.parse(payload);
      await questionTimeUp(job, this.catalog, this.settings, p.quizId, p.position);
    });
    scheduler.handle(TASK_OPEN, async (job, payload) => {
      const p = TaskPayload.parse(payload);
      await openNextQuestion(job, this.catalog, this.settings, p.quizId, p.position);
    });
    scheduler.cron('quizzes.daily', this.dailyCron, async (job) => {
      await sendDailyQuestions(job, this.catalog);
    }, { reportMissed: false });
  }
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

  const q = new Quizzes(catalog, settings, dailyCron, importsDir);
  return {
    name: 'quizzes',
    commands: [
      command({
        name: 'quiz',
        aliases: ['答题'],
        minRole: PARTY_MEMBER,
        summaryKey: 'quizzes.quiz.summary',
        usageKey: 'quizzes.quiz.usage',
        args: quizArgs,
        handler: (ctx, args) => q.runQuiz(ctx, args),
        subcommands: [{ name: 'import', minRole: 'secretary', summaryKey: 'quizzes.sub.import.summary', usageKey: 'quizzes.sub.import.usage', refusalKey: 'quizzes.import.forbidden' }],
        subcommandOf: (args) => (args.action === 'import' ? 'import' : undefined),
      }),
      command({
        name: 'answer',
        aliases: ['答'],
        minRole: PARTY_MEMBER,
        summaryKey: 'quizzes.answer.summary',
        usageKey: 'quizzes.answer.usage',
        args: answerArgs,
        handler: (ctx, args) => q.answer(ctx, args),
      }),
      command({
        name: 'rank',
        aliases: ['积分榜', '排行榜'],
        minRole: 'masses',
        summaryKey: 'quizzes.rank.summary',
        usageKey: 'quizzes.rank.usage',
        args: rankArgs,
        subcommands: [{ name: '全镇', minRole: 'admin', summaryKey: 'quizzes.sub.township.summary', usageKey: 'quizzes.sub.township.usage', refusalKey: 'quizzes.rank.adminOnly' }],
        subcommandOf: (args) => (args.scope === 'township' ? '全镇' : undefined),
        handler: async (ctx, { scope }) => {
          if (scope === 'township') {
            return ctx.reply(await townshipLeaderboard(ctx.db, ctx.t));
          }
          if (ctx.unitId === null) throw new UserError('quizzes.rank.noUnit');
          if (!(await settingOn(ctx.db, ctx.unitId, 'leaderboard'))) return replyOwnStanding(ctx);
          ctx.reply(await unitLeaderboard(ctx.db, ctx.t, ctx.unitId, ctx.member.id));
        },
      }),
      command({
        name: 'mistakes',
        aliases: ['错题本', '错题'],
        minRole: PARTY_MEMBER,
        summaryKey: 'quizzes.mistakes.summary',
        usageKey: 'quizzes.mistakes.usage',
        args: noArgs,
        handler: (ctx) => q.mistakes(ctx),
      }),
    ],
    claimAnswer: (ctx, text) => q.claimAnswer(ctx, text),
    profileLines: (ctx) => q.profileLines(ctx),
    reportSections: quizReportSections,
    jobs: (scheduler) => q.jobs(scheduler),
  };
}

/**
 * `/rank` in a unit without a public leaderboard: the member's own points and streak only. In a
 * group it goes privately where the platform allows (with a one-line pointer), else one short line.
 */
async function replyOwnStanding(ctx: Context): Promise<void> {
  const { points, streak } = await ownStanding(ctx.db, ctx.member.id, localDay(ctx.now(), ctx.timeZone));
  const text = ctx.t(points > 0 ? 'quizzes.rank.own' : 'quizzes.rank.ownNone', { points, days: streak });
  if (ctx.chat.ref.kind === 'private') return ctx.reply(text);
  const chats = (await privateChatsOf(ctx.db, ctx.member.id)).filter((c) => ctx.capabilitiesOf(c.platform).privateMessages);
  const mine = chats.find((c) => c.platform === ctx.chat.ref.platform) ?? chats[0];
  if (!mine) return ctx.reply(ctx.t('quizzes.rank.ownLine', { name: ctx.member.name, points, days: streak }));
  ctx.send(mine, text);
  ctx.reply(ctx.t('quizzes.rank.sentPrivately', { name: ctx.member.name }));
}

/** The refused rows of an import, one line each (at most 30, then a count of the rest). */
function importReport(ctx: Context, result: CsvImport): string {
  const shown = result.refused.slice(0, 30).map((r) =>
    ctx.t('quizzes.import.refusedLine', { line: r.line, reasons: r.reasons.map((x) => ctx.t(`quizzes.import.reason.${x.key}`, x.vars)).join(ctx.t('quizzes.import.reasonSeparator')) }),
  );
  if (result.refused.length > 30) shown.push(ctx.t('quizzes.import.moreRefused', { count: result.refused.length - 30 }));
  return shown.join('\n');
}
