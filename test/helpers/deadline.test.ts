import { describe, expect, it } from 'vitest';
import { within } from './deadline';

// The API tests' "answers before Redis comes back" rests on this helper: it must fail a late call, not just a hung one.
describe('within(signal, work)', () => {
  it('settles like the work when it finishes first', async () => {
    await expect(within(AbortSignal.timeout(5_000), Promise.resolve(7), 'quick')).resolves.toBe(7);
    await expect(within(AbortSignal.timeout(5_000), Promise.reject(new Error('boom')), 'failing')).rejects.toThrow('boom');
  });

  it('rejects, naming the call, when the deadline passes first', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(within(AbortSignal.timeout(20), never, 'slow call')).rejects.toThrow(/^slow call: still pending at its deadline/);
  });

  it('rejects at once when the deadline has already passed', async () => {
    const controller = new AbortController();
    controller.abort(new Error('over'));
    await expect(within(controller.signal, Promise.resolve(1), 'late')).rejects.toThrow('late: still pending at its deadline (over)');
  });
});
