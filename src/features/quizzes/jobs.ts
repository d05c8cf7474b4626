/** The quiz slice's timed work: question time-ups, next questions and the daily question. */
import { z } from 'zod';
import type { Scheduler } from '../../scheduler/contract.ts';
import { openNextQuestion, questionTimeUp, TASK_OPEN, TASK_TIME_UP } from './engine/steps.ts';
import { sendDailyQuestions } from './personal.ts';
import type { QuizSlice } from './slice.ts';

const TaskPayload = z.object({ quizId: z.number().int().positive(), position: z.number().int().min(0) });

/** Registers the quiz tasks and the daily question's cron with the scheduler. */
export function quizJobs(q: QuizSlice, scheduler: Scheduler): void {
  scheduler.handle(TASK_TIME_UP, async (job, payload) => {
    const p = TaskPayload.parse(payload);
    await questionTimeUp(job, q.catalog, q.settings, p.quizId, p.position);
  });
  scheduler.handle(TASK_OPEN, async (job, payload) => {
    const p = TaskPayload.parse(payload);
    await openNextQuestion(job, q.catalog, q.settings, p.quizId, p.position);
  });
  scheduler.cron('quizzes.daily', q.dailyCron, async (job) => {
    await sendDailyQuestions(job, q.catalog);
  }, { reportMissed: false });
}
