/**
 * Plan starts that run in the background (`POST /api/plan/start-jobs`): ten thousand tasks take minutes to
 * start, longer than a client or a proxy waits for one answer. A job counts the tasks as `startPlan` handles
 * them, so that `GET /api/plan/start-jobs/:id` answers how far it has come. One job runs at a time: a second
 * request while one runs answers the running job instead of starting the plan twice over.
 *
 * Jobs live in the memory of the API process that accepted them (a replica restarted or another replica
 * answers 404 `start_job_not_found`; starting again is safe, it starts only what is missing), and a finished
 * job is kept for {@link FINISHED_JOB_TTL_MS}.
 */
import { randomUUID } from 'node:crypto';
import type { StartedTask, StartProgress } from '../client/start-plan';
import type { PlanStartJob } from '../contracts';
import { HttpError } from './errors';
import { isTemporalUnreachable, TEMPORAL_UNAVAILABLE_WORDS } from './middleware/error-handler';

/** How long a finished job can still be read. */
export const FINISHED_JOB_TTL_MS = 60 * 60 * 1000;

/** The jobs of one API process. */
export interface PlanStartJobs {
  /**
   * Runs `run` as a new job, unless one is running: then answers that one (`created: false`). `run` reports
   * its progress through the callback it is given and resolves with every task's outcome.
   */
  begin(
    startDate: string,
    total: number,
    run: (onProgress: (p: StartProgress) => void) => Promise<StartedTask[]>,
  ): { job: PlanStartJob; created: boolean };
  /** The job as it is now, or undefined when this process has none of that id (or it expired). */
  get(id: string): PlanStartJob | undefined;
  /** Resolves once no job runs (used when the app closes, and by tests). */
  idle(): Promise<void>;
}

/**
 * The job registry of one app. `log` receives a job's unexpected failure (its answer then says `internal`).
 */
export function createPlanStartJobs(
  log: (message: string, err: unknown) => void = console.error,
  now: () => number = Date.now,
): PlanStartJobs {
  const jobs = new Map<string, PlanStartJob>();
  let running: { job: PlanStartJob; done: Promise<void> } | undefined;

  const forget = (): void => {
    for (const [id, job] of jobs) {
      if (job.finishedAt && Date.parse(job.finishedAt) + FINISHED_JOB_TTL_MS < now()) jobs.delete(id);
    }
  };
  const copy = (job: PlanStartJob): PlanStartJob => ({ ...job, ...(job.tasks ? { tasks: [...job.tasks] } : {}) });

  return {
    begin(startDate, total, run) {
      if (running) return { job: copy(running.job), created: false };
      forget();
      const job: PlanStartJob = {
        id: randomUUID(),
        state: 'running',
        startDate,
        total,
        done: 0,
        started: 0,
        existing: 0,
        createdAt: new Date(now()).toISOString(),
      };
      jobs.set(job.id, job);
      const done = run((p) => Object.assign(job, { done: p.done, started: p.started, existing: p.existing })).then(
        (tasks) => {
          Object.assign(job, { state: 'done', tasks, done: tasks.length });
        },
        (err: unknown) => {
          job.state = 'failed';
          job.error =
            err instanceof HttpError
              ? { code: err.code, message: err.words }
              : isTemporalUnreachable(err)
                ? { code: 'temporal_unavailable', message: TEMPORAL_UNAVAILABLE_WORDS }
                : { code: 'internal', message: { zh: '服务器内部错误', en: 'Internal server error.' } };
          if (job.error.code === 'internal') log(`[api] plan start job ${job.id} failed:`, err);
        },
      );
      running = {
        job,
        done: done.finally(() => {
          job.finishedAt = new Date(now()).toISOString();
          running = undefined;
        }),
      };
      return { job: copy(job), created: true };
    },
    get(id) {
      forget();
      const job = jobs.get(id);
      return job && copy(job);
    },
    async idle() {
      await running?.done;
    },
  };
}
