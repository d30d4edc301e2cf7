import { parentPort } from 'node:worker_threads';
import { fitModel } from './prophet-model';
import type { WorkerRequest } from './training-worker';
import { forecastHourlyVolume } from './usage-forecast';
import { errorMessage } from '../redis-cache/timeout';

/**
 * Training worker: fits Prophet off the main thread (a fit blocks its thread for 0.1–0.5 s) — a product's sales
 * model, or the predictive warm-up's hourly request volume. Protocol (training-worker.ts): `{ id, kind, … }` in,
 * `{ id, ok: true, result }` or `{ id, ok: false, message }` out. One fit at a time.
 */
const port = parentPort;
if (!port) throw new Error('train.worker must run in a worker thread');

port.on('message', (message: { id: number } & WorkerRequest) => {
  const work = message.kind === 'volume' ? forecastHourlyVolume(message.firstHour, message.series, message.horizon) : fitModel(message.input);
  work.then(
    (result) => port.postMessage({ id: message.id, ok: true, result }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, message: errorMessage(error) }),
  );
});
