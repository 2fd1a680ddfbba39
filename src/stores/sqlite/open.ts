/**
 * Opening the SQLite store: the data directory, the file's header, identity and integrity, a
 * write probe and the migrations. Every failure is one single-line {@link StoreOpenError}.
 */
import { closeSync, mkdirSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describeCause, StoreOpenError } from './errors.js';
import { APPLICATION_ID, migrate, pragmaNumber, SCHEMA_VERSION } from './migrations.js';
import { SqliteStore } from './store.js';

export interface SqliteStoreOptions {
  /**
   * Name of the database file inside the data directory.
   * @default 'cinegraph.db'
   */
  fileName?: string;
}

export const DEFAULT_SQLITE_FILE_NAME = 'cinegraph.db';

/**
 * How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
 * Only another process on the same file (a second gateway, a backup tool, the sqlite3 shell)
 * can hold one; writes here take milliseconds, so 5 s is generous without hanging start-up.
 * @default 5_000 // 5 s
 */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (creating when missing) the store in `dataDir`, applies pending migrations and checks
 * the file. Any failure is one {@link StoreOpenError} whose message is a single line.
 */
export async function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const dir = resolve(dataDir);
  const file = join(dir, options.fileName ?? DEFAULT_SQLITE_FILE_NAME);
  prepareDataDir(dir);
  checkHeader(file);

  let db: Database.Database;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw cannotOpen(file, err);
  }
  try {
    configure(db);
    checkIdentity(db, file);
    checkIntegrity(db, file);
    probeWritable(db);
    migrate(db, file);
    return new SqliteStore(db, file);
  } catch (err) {
    try {
      db.close();
    } catch {
      // Already failing; the open error below is the one worth reporting.
    }
    if (err instanceof StoreOpenError) throw err;
    if (isCorruption(err)) throw corrupt(file, describeCause(err), err);
    throw cannotOpen(file, err);
  }
}

/**
 * Creates the directory, then proves it writable by creating and removing a probe file: access
 * checks and mode bits lie (root ignores them, read-only mounts and ACLs are invisible to them).
 */
function prepareDataDir(dir: string): void {
  try {
    makeDirs(dir);
  } catch (err) {
    throw new StoreOpenError(
      'data_dir',
      dir,
      `Cannot create the data directory "${dir}" (${describeCause(err)}). Set DATA_DIR to a directory this process can create and write.`,
      { cause: err },
    );
  }
  const probe = join(dir, `.cinegraph-write-probe-${process.pid}`);
  try {
    const fd = openSync(probe, 'w');
    try {
      writeSync(fd, 'ok');
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (err) {
    throw new StoreOpenError(
      'data_dir',
      dir,
      `Cannot write in the data directory "${dir}" (${describeCause(err)}). Make it writable by this process, or set DATA_DIR to another directory.`,
      { cause: err },
    );
  }
}

/**
 * `mkdir -p`, by hand: Node 20's `mkdirSync(path, { recursive: true })` never returns for a
 * path under /proc (it retries ENOENT forever), which would hang start-up on a bad DATA_DIR.
 */
function makeDirs(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
    throw Object.assign(new Error(`not a directory: ${dir}`), { code: 'ENOTDIR' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  try {
    mkdirSync(dir);
  } catch (err) {
    // Another process may have created it in between.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw err;
  }
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * SQLite treats a file shorter than one page as an empty database and would write its own
 * header over it; a non-empty file that does not start with the SQLite magic is someone else's.
 * (An empty file is fine: a WAL database can be 0 bytes until its first checkpoint.)
 */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw cannotOpen(file, err);
  }
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } catch (err) {
    throw cannotOpen(file, err);
  } finally {
    closeSync(fd);
  }
  if (n > 0 && !head.subarray(0, n).equals(SQLITE_MAGIC.subarray(0, n))) {
    throw corrupt(file, 'no SQLite header');
  }
  if (n > 0 && n < head.length) throw corrupt(file, `truncated to ${n} bytes`);
}

function configure(db: Database.Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // WAL: readers never block the writer and a commit is one append, not a journal rewrite.
  // This is the first statement that reads the file, so a non-database fails here (NOTADB).
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: every commit is atomic and survives a process crash, but the WAL is
  // synced at checkpoints, not at every commit, so a power loss may roll back the last commits.
  // That is right for status transitions (the poller re-reads them from the provider on boot)
  // and wrong for the records that stop a retry from paying twice: those writes go through
  // `durably`, which syncs at commit (see below). An fsync blocks the event loop (better-sqlite3
  // is synchronous), so syncing every transition would delay every subscriber's delivery.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
}

function checkIdentity(db: Database.Database, file: string): void {
  const version = pragmaNumber(db, 'user_version');
  const appId = pragmaNumber(db, 'application_id');
  if ((version > 0 || appId !== 0) && appId !== APPLICATION_ID) {
    throw corrupt(file, `application_id ${appId}, schema version ${version}: not a Cinegraph database`);
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreOpenError(
      'newer_version',
      file,
      `The database "${file}" has schema version ${version}, newer than the ${SCHEMA_VERSION} this Cinegraph knows: it was written by a newer release. Upgrade Cinegraph, or set DATA_DIR to another directory.`,
    );
  }
}

/**
 * `quick_check` reads every page and checks the b-trees (it skips only index-vs-table
 * agreement), in time linear in the file size: milliseconds for a gateway's history.
 */
function checkIntegrity(db: Database.Database, file: string): void {
  const problems = db.pragma('quick_check', { simple: false }) as Record<string, unknown>[];
  const lines = problems.map((row) => String(Object.values(row)[0]));
  if (lines.length === 1 && lines[0] === 'ok') return;
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more problems)` : '';
  throw corrupt(file, `quick_check: ${lines[0] ?? 'no answer'}${more}`);
}

/**
 * Rewrites `user_version` with its own value: a real write transaction, so a database file
 * that SQLite silently opened read-only (file mode, ownership) is refused now, not at the
 * first generation.
 */
function probeWritable(db: Database.Database): void {
  db.pragma(`user_version = ${pragmaNumber(db, 'user_version')}`);
}
function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT'));
}

function corrupt(file: string, cause: string, err?: unknown): StoreOpenError {
  return new StoreOpenError(
    'corrupt',
    file,
    `The file "${file}" is not a Cinegraph SQLite database or is corrupt (${cause}). Restore it from a backup, or move it aside to start with an empty store.`,
    { cause: err },
  );
}

function cannotOpen(file: string, err: unknown): StoreOpenError {
  return new StoreOpenError(
    'open',
    file,
    `Cannot open the database "${file}" (${describeCause(err)}). Check that it is a regular file this process can read and write, and that no other program holds a lock on it.`,
    { cause: err },
  );
}
