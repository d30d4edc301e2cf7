/**
 * Runs once when a server process starts. Node-only code is loaded inside the `nodejs` check (the Edge runtime
 * must not see it) and nothing here is awaited beyond the import: requests wait for `register()`, so the
 * warm-up runs in the background and the server is ready at once.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { onServerStartOrExit } = await import('./lib/http/server-start');
  const { installGracefulShutdown } = await import('./lib/http/shutdown');
  onServerStartOrExit();
  installGracefulShutdown();
  // Every instance runs a job worker (warm-ups and trainings spread over instances); it connects in the background.
  const { jobQueue } = await import('./lib/http/job-queue-access');
  jobQueue();
}
