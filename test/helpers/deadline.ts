/**
 * Deadlines for tests. `within(signal, work, what)` settles like `work`, or rejects — failing the test right then —
 * when `signal` (e.g. `AbortSignal.timeout(ms)`) aborts first. Use it to say "this call answers before X happens"
 * instead of measuring elapsed time after the fact (which passes a call that came back late but was timed from the
 * wrong moment, and fails nothing while it hangs) or instead of a fixed sleep.
 */
export function within<T>(signal: AbortSignal, work: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const expired = () => reject(new Error(`${what}: still pending at its deadline (${describe(signal.reason)})`));
    if (signal.aborted) {
      expired();
      return;
    }
    signal.addEventListener('abort', expired, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', expired));
  });
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
