import { parentPort } from 'node:worker_threads';
import { fitModel, type TrainingInput } from './prophet-model';
import { errorMessage } from '../redis-cache/timeout';

/**
 * Training worker: fits Prophet off the main thread (a fit blocks its thread for 0.1–0.5 s).
 * Protocol: `{ id, input }` in, `{ id, ok: true, result }` or `{ id, ok: false, message }` out. One fit at a time.
 */
const port = parentPort;
if (!port) throw new Error('train.worker must run in a worker thread');

port.on('message', (message: { id: number; input: TrainingInput }) => {
  fitModel(message.input).then(
    (result) => port.postMessage({ id: message.id, ok: true, result }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, message: errorMessage(error) }),
  );
});
