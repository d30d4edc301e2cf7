import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer, type PostgresServerHandle } from './postgres-server';

describe('private PostgreSQL for tests', () => {
  let pg: PostgresServerHandle;
  beforeAll(async () => {
    pg = await startPostgresServer();
  });
  afterAll(() => pg?.stop());

  it('answers on its own port, keeps data across a fast stop and an immediate kill', async () => {
    expect(pg.port).not.toBe(5432);
    expect(pg.url).toBe(`postgres://postgres@127.0.0.1:${pg.port}/postgres`);
    await pg.psql('CREATE TABLE t (v int); INSERT INTO t VALUES (42)');
    await pg.stop();
    await expect(pg.psql('SELECT 1')).rejects.toThrow(/psql failed/);
    await pg.start();
    expect(await pg.psql('SELECT v FROM t')).toBe('42');
    await pg.kill();
    await expect(pg.psql('SELECT 1')).rejects.toThrow(/psql failed/);
    await pg.start();
    expect(await pg.psql('SELECT v FROM t')).toBe('42');
  });
});
