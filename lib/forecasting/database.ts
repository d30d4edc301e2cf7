import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

const SCHEMA_VERSION = 1;

/**
 * Schema: products, one row per product and day of sales, and versioned model artifacts. The artifact column
 * holds the whole rebuildable model (see model-artifact.ts); the other columns are what listings need without
 * parsing it.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS daily_sales (
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  date       TEXT NOT NULL CHECK (length(date) = 10),
  quantity   REAL NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (product_id, date)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS model_artifacts (
  product_id   INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  version      INTEGER NOT NULL CHECK (version >= 1),
  trained_at   TEXT NOT NULL,
  training_ms  REAL NOT NULL,
  window_start TEXT NOT NULL,
  window_end   TEXT NOT NULL,
  window_days  INTEGER NOT NULL,
  mape         REAL NOT NULL,
  artifact     TEXT NOT NULL,
  PRIMARY KEY (product_id, version)
);
`;

/** Opens (and creates on first use) the database file, with the schema in place. */
export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL: readers (other instances, the import command) never block on a writer; busy_timeout: writers queue.
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
  return db;
}

/**
 * A statement cache over one database: each SQL text is prepared once and reused, since preparing costs more
 * than running the stores' indexed queries.
 */
export function preparedStatements(db: SqliteDatabase): (text: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (text) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
}
