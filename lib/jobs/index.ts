/**
 * The job queue (BullMQ on the cache's Redis, with an in-process fallback): warm-ups, trainings and "retrain all"
 * spread over every instance. Knows nothing of forecasting or HTTP: the caller gives it a handler.
 */
export { jobConnectionOptions, type JobRedisTarget } from './connection';
export {
  JOB_KINDS,
  JobQueue,
  type FailedJob,
  type JobCounts,
  type JobData,
  type JobExecutor,
  type JobHandler,
  type JobKind,
  type JobOutcome,
  type JobQueueOptions,
  type JobResult,
} from './job-queue';
