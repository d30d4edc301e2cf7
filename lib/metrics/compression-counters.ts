import { processSingleton, type CompressionStats } from '@/lib/redis-cache';
import { appMetrics } from './registry';

type Totals = Pick<CompressionStats, 'entries' | 'inputBytes' | 'outputBytes'>;

/**
 * The compression counters (`ai_cache_compressed_entries_total`, `ai_cache_compression_input_bytes_total`,
 * `ai_cache_compression_output_bytes_total`), advanced at scrape time from the cache system's running totals for
 * this process — only what is new since the last scrape, so the write path publishes nothing.
 */
export function advanceCompressionCounters(totals: Totals): void {
  const metrics = appMetrics();
  const last = processSingleton('metrics-compression-seen', (): Totals => ({ entries: 0, inputBytes: 0, outputBytes: 0 }));
  // A smaller total means another system (a reconfigured one): all of its figures are new.
  const delta = (now: number, seen: number) => (now >= seen ? now - seen : now);
  const entries = delta(totals.entries, last.entries);
  const inputBytes = delta(totals.inputBytes, last.inputBytes);
  const outputBytes = delta(totals.outputBytes, last.outputBytes);
  last.entries = totals.entries;
  last.inputBytes = totals.inputBytes;
  last.outputBytes = totals.outputBytes;
  // Always touched, so every series is exported from the first scrape on (0 before any compressed write).
  metrics.compressedEntries.inc(entries);
  metrics.compressionInputBytes.inc(inputBytes);
  metrics.compressionOutputBytes.inc(outputBytes);
}
