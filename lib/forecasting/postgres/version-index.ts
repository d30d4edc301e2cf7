import os from 'node:os';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import type { VersionIndex } from '../store';
import { clientConfig, guarded, type PostgresConnectionOptions } from './connection';
import { VERSION_CHANNEL, type PostgresDb } from './db';

/**
 * Each instance's in-memory answer to "which model version is current" (product → latest version, null = never
 * trained; absent = unknown product), kept exact so a cached prediction needs no database round trip:
 *
 * 1. **Feed.** Every write that changes products or versions takes the next number of a global change sequence
 *    and sends NOTIFY {product, version, seq} inside its transaction (delivered on commit, in commit order).
 * 2. **Acknowledge.** The index LISTENs on a dedicated connection, applies each notification, then records
 *    `seen_seq` in its row of `instances` — on that same connection.
 * 3. **Lease + reconcile.** Every lease/3 a heartbeat, on that connection, reads every product's latest version
 *    (one query, one snapshot, with the sequence number it reflects), applies it, then renews the row's lease
 *    (`lease_until = now() + lease`) and sets `seen_seq` to that number. A missed notification is repaired by it.
 * 4. **Writers wait.** After committing change n, a writer waits (bounded by the lease) until every instance whose
 *    lease is live (server clock) has `seen_seq ≥ n`. So once a retrain returns, no instance serves older versions.
 * 5. **Trust.** The map answers only while this instance's own lease is live: locally until the send time of the
 *    last successful renewal + lease (the server's `lease_until` is later, since it is computed on arrival). When
 *    not trusted, `current()` reads the database; when that fails too, the caller answers 503.
 *
 * Why that holds: a writer that committed change n returns either when this instance acknowledged n (then the
 * map has it) or when this instance's server-side lease ended (then its local trust had ended before). Versions
 * only grow, so applying notifications and reconciles as a per-product maximum never goes back, whatever order they
 * arrive in. A deleted row (or a renewal that finds none) drops trust at once; a connection lost mid-lease keeps it
 * until the local deadline, so a PostgreSQL restart of a few seconds does not stop cached answers.
 */
export interface PostgresVersionIndexOptions {
  connection: PostgresConnectionOptions;
  db: PostgresDb;
  /** Lease length, ms (VERSION_LEASE). */
  leaseMs: number;
  /** Reads one product's version when the map is not trusted. */
  readVersion(product: string): Promise<number | null | undefined>;
  /** Reads the global change number when the map is not trusted. */
  readChangeNumber(): Promise<number>;
  onError?(error: unknown, what: string): void;
}

export interface VersionIndexStatus {
  trusted: boolean;
  products: number;
  /** Last change number applied. */
  seenSeq: number;
  instanceId: string;
}

const Notification = z.object({ product: z.string(), version: z.number().int().nullable(), seq: z.number().int() });

export class PostgresVersionIndex implements VersionIndex {
  private readonly tag = randomUUID().slice(0, 8);
  readonly instanceId = `${os.hostname()}:${process.pid}:${this.tag}`;
  /** The LISTEN connection's application_name (visible in pg_stat_activity). */
  readonly applicationName = `ai-prediction-service:version-index:${this.tag}`;
  private readonly versions = new Map<string, number | null>();
  /** performance.now() until which the map may answer. */
  private trustedUntil = 0;
  private seenSeq = 0;
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private acked = 0;
  private acking = false;
  private closed = false;

  constructor(private readonly options: PostgresVersionIndexOptions) {}

  /** Registers the instance and runs the first heartbeat (the map is trusted once it succeeds), then beats every lease/3. */
  async start(): Promise<void> {
    // Rows of instances that ended without a graceful shutdown: long expired, they hold nobody back; tidy them.
    await this.options.db.query(`DELETE FROM instances WHERE lease_until < now() - interval '1 hour'`, [], 'versions.tidy');
    await this.beat(true); // registers the row
    if (!this.trusted) await this.beat(true); // reconciles with the row in place, renews: trusted
    if (this.closed) return;
    this.timer = setInterval(() => void this.heartbeat(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  get trusted(): boolean {
    return performance.now() < this.trustedUntil;
  }

  current(product: string): Promise<number | null | undefined> {
    if (performance.now() < this.trustedUntil) return Promise.resolve(this.versions.get(product));
    return this.options.readVersion(product);
  }

  /** The last change number applied (every product or version change takes the next one). */
  async catalogue(): Promise<string> {
    if (performance.now() < this.trustedUntil) return String(this.seenSeq);
    return String(await this.options.readChangeNumber());
  }

  status(): VersionIndexStatus {
    return { trusted: this.trusted, products: this.versions.size, seenSeq: this.seenSeq, instanceId: this.instanceId };
  }

  /** One heartbeat (also what the timer runs): connect if needed, reconcile, renew. Concurrent calls share one. */
  heartbeat(): Promise<void> {
    this.beating ??= this.beat().finally(() => (this.beating = null));
    return this.beating;
  }

  /** Stops beating, deletes the instance's row (writers stop waiting for it at once) and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.trustedUntil = 0;
    if (this.timer) clearInterval(this.timer);
    // At once and on the open LISTEN connection when there is one: a shutdown may leave only milliseconds, and that
    // connection runs it after whatever the heartbeat already sent (a heartbeat never re-inserts once closed).
    const deleteRow = 'DELETE FROM instances WHERE id = $1';
    try {
      if (this.client) await this.client.query(deleteRow, [this.instanceId]);
      else await this.options.db.query(deleteRow, [this.instanceId]);
    } catch {
      // Unreachable: the row's lease ends by itself and stops holding writers back then.
    }
    await this.beating?.catch(() => {});
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async beat(rethrow = false): Promise<void> {
    if (this.closed) return;
    try {
      const client = await this.listener();
      // Reconcile: every product's latest version and the change number they reflect, in one snapshot.
      const { rows } = await client.query<{ seq: string; versions: [string, number | null][] }>(
        `SELECT (SELECT seq FROM change_counter WHERE id = 1)::text AS seq,
                coalesce((SELECT json_agg(json_build_array(p.name, (SELECT max(version) FROM model_artifacts m WHERE m.product_id = p.id)))
                            FROM products p), '[]'::json) AS versions`,
      );
      const seq = Number(rows[0]!.seq);
      for (const [product, version] of rows[0]!.versions) this.apply(product, version);
      this.seenSeq = Math.max(this.seenSeq, seq);
      const sentAt = performance.now();
      const renewed = await client.query(
        `UPDATE instances SET lease_until = now() + $2 * interval '1 millisecond', seen_seq = greatest(seen_seq, $3)
          WHERE id = $1`,
        [this.instanceId, this.options.leaseMs, this.seenSeq],
      );
      if (renewed.rowCount === 1) {
        if (!this.closed) this.trustedUntil = sentAt + this.options.leaseMs;
        return;
      }
      // No row (the first beat, or someone deleted it): writers may have stopped waiting for this instance, so the
      // map is not trusted until a whole beat — reconcile with the row in place, then renew — has succeeded.
      this.trustedUntil = 0;
      if (this.closed) return;
      await client.query(
        `INSERT INTO instances (id, lease_until, seen_seq) VALUES ($1, now() + $2 * interval '1 millisecond', 0)
         ON CONFLICT (id) DO NOTHING`,
        [this.instanceId, this.options.leaseMs],
      );
    } catch (error) {
      // The connection may be broken: a fresh one next time. Trust stays until its deadline.
      this.dropClient();
      if (rethrow) throw error;
      this.options.onError?.(error, 'version index heartbeat');
    }
  }

  private apply(product: string, version: number | null): void {
    const known = this.versions.get(product);
    if (known === undefined || (version !== null && (known === null || version > known))) this.versions.set(product, version);
  }

  /** The dedicated LISTEN connection, (re)opened when missing. */
  private listener(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= guarded(this.options.db.target, async () => {
      const client = new pg.Client(clientConfig(this.options.connection, this.applicationName));
      client.on('error', (error) => {
        this.options.onError?.(error, 'version index connection');
        if (this.client === client) this.dropClient();
      });
      client.on('end', () => {
        if (this.client === client) this.client = null;
      });
      client.on('notification', (message) => {
        if (message.channel === VERSION_CHANNEL && message.payload) this.onNotification(client, message.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${VERSION_CHANNEL}`);
      } catch (error) {
        await client.end().catch(() => {});
        throw error;
      }
      this.client = client;
      return client;
    }).finally(() => (this.connecting = null));
    return this.connecting;
  }

  private dropClient(): void {
    const client = this.client;
    this.client = null;
    client?.end().catch(() => {});
  }

  private onNotification(client: pg.Client, payload: string): void {
    let change: z.infer<typeof Notification>;
    try {
      change = Notification.parse(JSON.parse(payload));
    } catch {
      return; // not ours: the next reconcile covers whatever it was
    }
    this.apply(change.product, change.version);
    this.seenSeq = Math.max(this.seenSeq, change.seq);
    void this.acknowledge(client);
  }

  /** Records seenSeq in the instance's row, one UPDATE at a time (the latest number wins). */
  private async acknowledge(client: pg.Client): Promise<void> {
    if (this.acking) return;
    this.acking = true;
    try {
      while (this.acked < this.seenSeq && this.client === client) {
        const target = this.seenSeq;
        await client.query('UPDATE instances SET seen_seq = greatest(seen_seq, $2) WHERE id = $1', [this.instanceId, target]);
        this.acked = target;
      }
    } catch (error) {
      this.options.onError?.(error, 'version index acknowledgement');
    } finally {
      this.acking = false;
    }
  }
}

/**
 * After a writer committed change `seq`: resolves when no instance with a live lease lags behind it, or when the
 * lease has run out since the commit (by then every lagging instance's lease has ended and it no longer trusts its
 * map). Polls the instances table; a database error meanwhile is retried until that bound.
 */
export async function waitUntilSeen(db: PostgresDb, seq: number, leaseMs: number, onTimeout?: (lagging: number) => void): Promise<void> {
  const deadline = performance.now() + leaseMs + 250;
  let delay = 2;
  let lagging = -1;
  for (;;) {
    try {
      const rows = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM instances WHERE lease_until > now() AND seen_seq < $1',
        [seq],
        'versions.lagging',
      );
      lagging = rows[0]!.n;
      if (lagging === 0) return;
    } catch {
      // Keep waiting: the bound below holds without the database.
    }
    if (performance.now() >= deadline) {
      onTimeout?.(lagging);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(50, delay * 2);
  }
}
