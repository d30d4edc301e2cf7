import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { forecastDemand } from './forecast';
import { WORKER_READY, type ForecastReply, type ForecastTask } from './forecast-protocol';
import { rebuildModel, type LiveModel } from './prophet-model';
import { errorMessage } from '../redis-cache/timeout';

/**
 * Forecast worker: computes forecasts off the main thread (30–90 ms for long horizons), so cached answers and
 * health checks never wait behind them. Protocol in forecast-protocol.ts. Keeps the last few rebuilt models.
 */
const port = parentPort;
if (!port) throw new Error('forecast.worker must run in a worker thread');

// On Linux a thread's priority is its own: setPriority(0, …) here lowers this worker, not the server's main thread.
const { nice } = (workerData ?? {}) as { nice?: number };
if (nice && nice > 0) {
  try {
    setPriority(0, nice);
  } catch {
    // Not permitted here: forecasts still run off the main thread, at normal priority.
  }
}

const MODELS_KEPT = 32;
const models = new Map<string, Promise<LiveModel>>();

function modelFor(task: ForecastTask): Promise<LiveModel> {
  const { artifact } = task;
  const key = `${artifact.product}\u0000${artifact.version}\u0000${artifact.trainedAt}`;
  let model = models.get(key);
  if (model) {
    models.delete(key); // most recently used last
  } else {
    model = rebuildModel(artifact);
    model.catch(() => models.delete(key));
  }
  models.set(key, model);
  if (models.size > MODELS_KEPT) {
    const [oldest, evicted] = models.entries().next().value as [string, Promise<LiveModel>];
    models.delete(oldest);
    // WASM memory is not garbage-collected: free the evicted model once no forecast uses it (this thread is
    // single-threaded and forecasts are synchronous, so none is running now).
    void evicted.then(
      (m) => m.prophet.free(),
      () => undefined,
    );
  }
  return model;
}

port.on('message', (task: ForecastTask) => {
  modelFor(task).then(
    (model) => {
      const reply: ForecastReply = { id: task.id, ok: true, forecast: forecastDemand(model, task.days) };
      port.postMessage(reply);
    },
    (error: unknown) => port.postMessage({ id: task.id, ok: false, message: errorMessage(error) } satisfies ForecastReply),
  );
});

// Loaded: from here a failure is a crash (its tasks fail), not a failure to start (they are sent again).
port.postMessage(WORKER_READY);
