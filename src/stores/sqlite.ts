/**
 * The embedded durable store: one SQLite file under DATA_DIR, through better-sqlite3.
 *
 * better-sqlite3 is synchronous; the GenerationStore interface is async so that stores are
 * interchangeable, so every method is an `async` function over synchronous calls (a SQLite error
 * becomes a rejected promise, never a synchronous throw). Behaviour matches MemoryStore exactly,
 * including orderings: see the notes on `seq` and `sort_id` below.
 */
import { closeSync, mkdirSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describeCause, StoreOpenError } from './errors.js';
import type {
  ClaimResult,
  CompletedSample,
  GenerationStore,
  IdempotencyRecord,
  IdempotencyState,
  Page,
  PageRequest,
} from '../domain/ports.js';
import type {
  AspectRatio,
  Duration,
  Generation,
  GenerationFailure,
  GenerationStatus,
  Resolution,
  StatusTransition,
  Style,
  Usage,
  VideoFile,
} from '../domain/generation.js';

export { StoreOpenError, type StoreOpenFailure } from './errors.js';

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

/** Expired idempotency keys deleted per claim, so pruning never makes one claim slow. */
const PRUNE_BATCH = 100;

/** "CGR1" in ASCII: marks the file as Cinegraph's (PRAGMA application_id), set by migration 1. */
const APPLICATION_ID = 0x43475231;

/**
 * Terminal statuses as SQL. The partial index `generations_active` (migration 1) is written with
 * this exact list, and SQLite only uses a partial index when the query repeats its WHERE term,
 * so queries use this constant. Adding a terminal status to types.ts needs a new migration.
 */
const TERMINAL_SQL = `('COMPLETED', 'FAILED', 'TIMED_OUT')`;

interface Migration {
  version: number;
  name: string;
  /** Runs inside the migration's transaction, with `PRAGMA user_version` bumped after it. */
  up: string;
}

/**
 * Ordered, append-only: never edit a released migration, add the next one. Each runs in its own
 * transaction that also records it in `schema_migrations` and sets `PRAGMA user_version`, so a
 * crash mid-migration leaves the previous version intact.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: `
      PRAGMA application_id = ${APPLICATION_ID};

      CREATE TABLE schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        applied_at INTEGER NOT NULL
      );

      -- seq: insertion order, kept by upserts. MemoryStore iterates a Map (first-insertion order),
      --   so listActive and ties in recentCompletions follow seq to match it exactly.
      -- sort_id: the id as UTF-16BE bytes. BLOBs compare with memcmp, and memcmp over UTF-16BE
      --   is exactly JavaScript's string < (code-unit order), which comparePosition uses; UTF-8
      --   TEXT order differs from it for characters above U+FFFF.
      CREATE TABLE generations (
        seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
        id                   TEXT    NOT NULL UNIQUE,
        sort_id              BLOB    NOT NULL,
        owner                TEXT    NOT NULL,
        status               TEXT    NOT NULL,
        provider_status      TEXT    NOT NULL,
        prompt               TEXT    NOT NULL,
        negative_prompt      TEXT,
        aspect_ratio         TEXT    NOT NULL,
        resolution           TEXT    NOT NULL,
        duration             INTEGER NOT NULL,
        style                TEXT,
        seed                 INTEGER,
        input_known          INTEGER NOT NULL CHECK (input_known IN (0, 1)),
        video                TEXT,    -- JSON VideoFile, NULL for null
        error                TEXT,    -- JSON GenerationFailure, NULL for null
        usage                TEXT,    -- JSON Usage, NULL for null
        expected_duration_ms INTEGER NOT NULL,
        created_at           INTEGER NOT NULL,
        updated_at           INTEGER NOT NULL,
        completed_at         INTEGER,
        idempotency_key      TEXT
      );

      -- list(): a client's generations newest first, keyset on (created_at, sort_id).
      CREATE INDEX generations_by_owner ON generations (owner, created_at DESC, sort_id DESC);
      -- listActive() and countActive(owner): only the few non-terminal rows are indexed.
      CREATE INDEX generations_active ON generations (owner)
        WHERE status NOT IN ${TERMINAL_SQL};
      -- recentCompletions(): the newest completions, in the exact order of the query.
      CREATE INDEX generations_completed ON generations (completed_at DESC, seq DESC)
        WHERE status = 'COMPLETED' AND completed_at IS NOT NULL AND input_known = 1;

      CREATE TABLE transitions (
        generation_id   TEXT    NOT NULL REFERENCES generations (id) ON DELETE CASCADE,
        idx             INTEGER NOT NULL,
        status          TEXT    NOT NULL,
        provider_status TEXT    NOT NULL,
        at              INTEGER NOT NULL,
        PRIMARY KEY (generation_id, idx)
      ) WITHOUT ROWID;

      -- No foreign key on generation_id: MemoryStore does not require the generation to exist.
      CREATE TABLE idempotency_keys (
        owner         TEXT    NOT NULL,
        key           TEXT    NOT NULL,
        fingerprint   TEXT    NOT NULL,
        state         TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'in_doubt')),
        generation_id TEXT,
        created_at    INTEGER NOT NULL,
        expires_at    INTEGER NOT NULL,
        PRIMARY KEY (owner, key)
      );
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
    `,
  },
];

/** The schema version this code writes; a database with a higher `user_version` is refused. */
export const SCHEMA_VERSION = MIGRATIONS.length;

MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`sqlite-store: migration #${i} has version ${m.version}, expected ${i + 1}`);
});

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

// ---------------------------------------------------------------------------------------------
// Opening

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

function migrate(db: Database.Database, file: string): void {
  for (const m of MIGRATIONS) {
    const apply = db.transaction(() => {
      // Re-read inside the (IMMEDIATE) transaction: another process may have migrated first.
      if (pragmaNumber(db, 'user_version') >= m.version) return;
      db.exec(m.up);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      apply.immediate();
    } catch (err) {
      throw new StoreOpenError(
        'migration',
        file,
        `Migrating the database "${file}" to schema version ${m.version} (${m.name}) failed and was rolled back (${describeCause(err)}). Check free disk space and permissions, or restore the file from a backup.`,
        { cause: err },
      );
    }
  }
}

function pragmaNumber(db: Database.Database, name: string): number {
  return Number(db.pragma(name, { simple: true }));
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

// ---------------------------------------------------------------------------------------------
// Rows

interface GenerationRow {
  id: string;
  owner: string;
  status: string;
  provider_status: string;
  prompt: string;
  negative_prompt: string | null;
  aspect_ratio: string;
  resolution: string;
  duration: number;
  style: string | null;
  seed: number | null;
  input_known: number;
  video: string | null;
  error: string | null;
  usage: string | null;
  expected_duration_ms: number;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  idempotency_key: string | null;
}

interface TransitionRow {
  generation_id: string;
  status: string;
  provider_status: string;
  at: number;
}

interface KeyRow {
  owner: string;
  key: string;
  fingerprint: string;
  state: string;
  generation_id: string | null;
  created_at: number;
  expires_at: number;
}

interface CompletionRow {
  resolution: string;
  duration: number;
  created_at: number;
  completed_at: number;
}

type GenerationParams = GenerationRow & { sort_id: Buffer };

const GENERATION_COLUMNS = `id, owner, status, provider_status, prompt, negative_prompt, aspect_ratio, resolution,
  duration, style, seed, input_known, video, error, usage, expected_duration_ms, created_at, updated_at,
  completed_at, idempotency_key`;

const KEY_COLUMNS = 'owner, key, fingerprint, state, generation_id, created_at, expires_at';

/** UTF-16BE bytes: memcmp order over them is JavaScript's string order (see the schema). */
function sortKey(id: string): Buffer {
  return Buffer.from(id, 'utf16le').swap16();
}

const toJson = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toParams(gen: Generation): GenerationParams {
  const { input } = gen;
  return {
    id: gen.id,
    sort_id: sortKey(gen.id),
    owner: gen.owner,
    status: gen.status,
    provider_status: gen.providerStatus,
    prompt: input.prompt,
    negative_prompt: input.negativePrompt,
    aspect_ratio: input.aspectRatio,
    resolution: input.resolution,
    duration: input.duration,
    style: input.style,
    seed: input.seed,
    input_known: gen.inputKnown ? 1 : 0,
    video: toJson(gen.video),
    error: toJson(gen.error),
    usage: toJson(gen.usage),
    expected_duration_ms: gen.expectedDurationMs,
    created_at: gen.createdAt,
    updated_at: gen.updatedAt,
    completed_at: gen.completedAt,
    idempotency_key: gen.idempotencyKey,
  };
}

/** Rebuilds a Generation with the field order and null-vs-missing shapes of types.ts. */
function toGeneration(row: GenerationRow, transitions: StatusTransition[]): Generation {
  return {
    id: row.id,
    owner: row.owner,
    input: {
      prompt: row.prompt,
      negativePrompt: row.negative_prompt,
      aspectRatio: row.aspect_ratio as AspectRatio,
      resolution: row.resolution as Resolution,
      duration: row.duration as Duration,
      style: row.style as Style | null,
      seed: row.seed,
    },
    inputKnown: row.input_known === 1,
    status: row.status as GenerationStatus,
    providerStatus: row.provider_status,
    video: parseJson<VideoFile>(row.video),
    error: parseJson<GenerationFailure>(row.error),
    usage: parseJson<Usage>(row.usage),
    expectedDurationMs: row.expected_duration_ms,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    transitions,
    idempotencyKey: row.idempotency_key,
  };
}

function toTransition(row: TransitionRow): StatusTransition {
  return { status: row.status as GenerationStatus, providerStatus: row.provider_status, at: row.at };
}

function toRecord(row: KeyRow): IdempotencyRecord {
  return {
    owner: row.owner,
    key: row.key,
    fingerprint: row.fingerprint,
    state: row.state as IdempotencyState,
    generationId: row.generation_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** A row count for LIMIT from a JS count, the way Array#slice would read it. */
function toLimit(n: number): number {
  if (Number.isNaN(n) || n <= 0) return 0;
  return Number.isFinite(n) ? Math.floor(n) : -1; // -1: no limit
}

// ---------------------------------------------------------------------------------------------
// The store

type Stmt<P extends unknown[] | object, R = unknown> = Database.Statement<P, R>;

function prepareStatements(db: Database.Database) {
  return {
    getGeneration: db.prepare<[string], GenerationRow>(`SELECT ${GENERATION_COLUMNS} FROM generations WHERE id = ?`),
    getTransitions: db.prepare<[string], TransitionRow>(
      'SELECT generation_id, status, provider_status, at FROM transitions WHERE generation_id = ? ORDER BY idx',
    ),
    /** Transitions of many generations at once; the parameter is a JSON array of ids. */
    getTransitionsOf: db.prepare<[string], TransitionRow>(
      `SELECT generation_id, status, provider_status, at FROM transitions
       WHERE generation_id IN (SELECT value FROM json_each(?)) ORDER BY generation_id, idx`,
    ),
    upsertGeneration: db.prepare<GenerationParams>(
      `INSERT INTO generations (${GENERATION_COLUMNS}, sort_id)
       VALUES (@id, @owner, @status, @provider_status, @prompt, @negative_prompt, @aspect_ratio, @resolution,
         @duration, @style, @seed, @input_known, @video, @error, @usage, @expected_duration_ms, @created_at,
         @updated_at, @completed_at, @idempotency_key, @sort_id)
       ON CONFLICT (id) DO UPDATE SET
         owner = excluded.owner, status = excluded.status, provider_status = excluded.provider_status,
         prompt = excluded.prompt, negative_prompt = excluded.negative_prompt,
         aspect_ratio = excluded.aspect_ratio, resolution = excluded.resolution, duration = excluded.duration,
         style = excluded.style, seed = excluded.seed, input_known = excluded.input_known,
         video = excluded.video, error = excluded.error, usage = excluded.usage,
         expected_duration_ms = excluded.expected_duration_ms, created_at = excluded.created_at,
         updated_at = excluded.updated_at, completed_at = excluded.completed_at,
         idempotency_key = excluded.idempotency_key`,
    ),
    trimTransitions: db.prepare<[string, number]>('DELETE FROM transitions WHERE generation_id = ? AND idx >= ?'),
    /** Transitions are append-only in practice: unchanged rows are left alone. */
    upsertTransition: db.prepare<[string, number, string, string, number]>(
      `INSERT INTO transitions (generation_id, idx, status, provider_status, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (generation_id, idx) DO UPDATE SET
         status = excluded.status, provider_status = excluded.provider_status, at = excluded.at
       WHERE status <> excluded.status OR provider_status <> excluded.provider_status OR at <> excluded.at`,
    ),
    // INDEXED BY: without statistics (a fresh file) the planner would scan the whole table;
    // the active set is small however many generations are kept.
    listActive: db.prepare<[], GenerationRow>(
      `SELECT ${GENERATION_COLUMNS} FROM generations INDEXED BY generations_active
       WHERE status NOT IN ${TERMINAL_SQL} ORDER BY seq`,
    ),
    listUnarchived: db.prepare<[number], GenerationRow>(
      `SELECT ${GENERATION_COLUMNS} FROM generations
       WHERE status = 'COMPLETED' AND video IS NOT NULL AND json_extract(video, '$.archivedFile') IS NULL
       ORDER BY seq LIMIT ?`,
    ),
    countActive: db
      .prepare<[string], number>(`SELECT count(*) FROM generations WHERE owner = ? AND status NOT IN ${TERMINAL_SQL}`)
      .pluck(),
    recentCompletions: db.prepare<[number], CompletionRow>(
      `SELECT resolution, duration, created_at, completed_at FROM generations
       WHERE status = 'COMPLETED' AND completed_at IS NOT NULL AND input_known = 1
       ORDER BY completed_at DESC, seq DESC LIMIT ?`,
    ),
    pruneKeys: db.prepare<[number]>(
      `DELETE FROM idempotency_keys WHERE rowid IN
         (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ${PRUNE_BATCH})`,
    ),
    getLiveKey: db.prepare<[string, string, number], KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM idempotency_keys WHERE owner = ? AND key = ? AND expires_at > ?`,
    ),
    putKey: db.prepare<[string, string, string, number, number]>(
      `INSERT INTO idempotency_keys (owner, key, fingerprint, state, generation_id, created_at, expires_at)
       VALUES (?, ?, ?, 'pending', NULL, ?, ?)
       ON CONFLICT (owner, key) DO UPDATE SET
         fingerprint = excluded.fingerprint, state = 'pending', generation_id = NULL,
         created_at = excluded.created_at, expires_at = excluded.expires_at`,
    ),
    completeKey: db.prepare<[string, string, string]>(
      `UPDATE idempotency_keys SET state = 'done', generation_id = ? WHERE owner = ? AND key = ?`,
    ),
    markKeyInDoubt: db.prepare<[string, string]>(
      `UPDATE idempotency_keys SET state = 'in_doubt' WHERE owner = ? AND key = ?`,
    ),
    releaseKey: db.prepare<[string, string]>('DELETE FROM idempotency_keys WHERE owner = ? AND key = ?'),
    ping: db.prepare<[], number>('SELECT 1').pluck(),
  };
}

/** Built by {@link openSqliteStore}, which configures and migrates the connection first. */
export class SqliteStore implements GenerationStore {
  readonly kind = 'sqlite';
  private closed = false;
  private readonly stmt: ReturnType<typeof prepareStatements>;
  /** list() statements, one per shape (cursor or not, number of statuses): at most a dozen. */
  private readonly listStmts = new Map<string, Stmt<unknown[], GenerationRow>>();

  private readonly saveTx: (gen: Generation) => void;
  private readonly getTx: (id: string) => Generation | null;
  private readonly listActiveTx: () => Generation[];
  private readonly listTx: (owner: string, page: PageRequest) => Page;
  private readonly claimTx: (owner: string, key: string, fingerprint: string, now: number, ttlMs: number) => ClaimResult;

  constructor(
    private readonly db: Database.Database,
    /** The database file. */
    readonly file: string,
  ) {
    const s = (this.stmt = prepareStatements(db));

    // Writes use IMMEDIATE transactions: they take the write lock up front, so a second process
    // on the same file waits (busy_timeout) instead of failing on a read-to-write upgrade.
    const save = db.transaction((gen: Generation) => {
      s.upsertGeneration.run(toParams(gen));
      s.trimTransitions.run(gen.id, gen.transitions.length);
      gen.transitions.forEach((t, idx) => s.upsertTransition.run(gen.id, idx, t.status, t.providerStatus, t.at));
    });
    this.saveTx = (gen) => save.immediate(gen);

    // Reads run in a transaction too, so a row and its transitions come from one snapshot.
    this.getTx = db.transaction((id: string) => {
      const row = s.getGeneration.get(id);
      return row ? toGeneration(row, s.getTransitions.all(id).map(toTransition)) : null;
    });
    this.listActiveTx = db.transaction(() => this.hydrate(s.listActive.all()));
    this.listTx = db.transaction((owner: string, page: PageRequest) => this.listPage(owner, page));

    const claim = db.transaction(
      (owner: string, key: string, fingerprint: string, now: number, ttlMs: number): ClaimResult => {
        // Keeps the table from growing forever; bounded so one claim never pays for a backlog.
        s.pruneKeys.run(now);
        const live = s.getLiveKey.get(owner, key, now);
        if (live) return { claimed: false, record: toRecord(live) };
        s.putKey.run(owner, key, fingerprint, now, now + ttlMs);
        return { claimed: true };
      },
    );
    this.claimTx = (...args) => claim.immediate(...args);
  }

  async get(id: string): Promise<Generation | null> {
    this.assertOpen();
    return this.getTx(id);
  }

  /** Runs a write that must survive a power loss: synced to disk before it returns. */
  private durably<T>(write: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return write();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  async save(gen: Generation): Promise<void> {
    this.assertOpen();
    // A generation's first save records a paid create (and its id): that one is synced.
    if (gen.createdAt === gen.updatedAt) this.durably(() => this.saveTx(gen));
    else this.saveTx(gen);
  }

  async listActive(): Promise<Generation[]> {
    this.assertOpen();
    return this.listActiveTx();
  }

  async listUnarchived(limit: number): Promise<Generation[]> {
    this.assertOpen();
    if (limit <= 0) return [];
    return this.db.transaction(() => this.hydrate(this.stmt.listUnarchived.all(limit)))();
  }

  async list(owner: string, page: PageRequest): Promise<Page> {
    this.assertOpen();
    return this.listTx(owner, page);
  }

  async countActive(owner: string): Promise<number> {
    this.assertOpen();
    return this.stmt.countActive.get(owner) ?? 0;
  }

  async recentCompletions(limit: number): Promise<CompletedSample[]> {
    this.assertOpen();
    const n = toLimit(limit);
    if (n === 0) return [];
    return this.stmt.recentCompletions
      .all(n)
      .reverse()
      .map((r) => ({ resolution: r.resolution as Resolution, duration: r.duration as Duration, tookMs: r.completed_at - r.created_at }));
  }

  async claimKey(owner: string, key: string, fingerprint: string, now: number, ttlMs: number): Promise<ClaimResult> {
    this.assertOpen();
    return this.durably(() => this.claimTx(owner, key, fingerprint, now, ttlMs));
  }

  async getKey(owner: string, key: string, now: number): Promise<IdempotencyRecord | null> {
    this.assertOpen();
    const row = this.stmt.getLiveKey.get(owner, key, now);
    return row ? toRecord(row) : null;
  }

  async completeKey(owner: string, key: string, generationId: string): Promise<void> {
    this.assertOpen();
    this.durably(() => this.stmt.completeKey.run(generationId, owner, key));
  }

  async markKeyInDoubt(owner: string, key: string): Promise<void> {
    this.assertOpen();
    this.durably(() => this.stmt.markKeyInDoubt.run(owner, key));
  }

  async releaseKey(owner: string, key: string): Promise<void> {
    this.assertOpen();
    this.stmt.releaseKey.run(owner, key);
  }

  async healthy(): Promise<boolean> {
    if (this.closed) return false;
    try {
      return this.stmt.ping.get() === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Cheap, and keeps the planner's statistics current for the next start.
      this.db.pragma('optimize');
    } catch {
      // Closing matters more than statistics.
    }
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`The SQLite store "${this.file}" is closed`);
  }

  private listPage(owner: string, page: PageRequest): Page {
    const statuses = [...new Set(page.statuses ?? [])];
    const first = toLimit(page.first);
    const params: unknown[] = [owner];
    if (page.after) params.push(page.after.createdAt, sortKey(page.after.id));
    params.push(...statuses);
    // One extra row tells whether another page exists.
    params.push(first < 0 ? -1 : first + 1);
    const rows = this.listStatement(page.after !== null, statuses.length).all(...params);
    const hasNextPage = first >= 0 && rows.length > first;
    return { items: this.hydrate(hasNextPage ? rows.slice(0, first) : rows), hasNextPage };
  }

  private listStatement(withCursor: boolean, statusCount: number): Stmt<unknown[], GenerationRow> {
    const shape = `${withCursor ? 'after' : 'first'}:${statusCount}`;
    let stmt = this.listStmts.get(shape);
    if (!stmt) {
      const where = ['owner = ?'];
      // Row-value comparison: an index range on (created_at, sort_id), exclusive of the cursor.
      if (withCursor) where.push('(created_at, sort_id) < (?, ?)');
      if (statusCount > 0) where.push(`status IN (${Array.from({ length: statusCount }, () => '?').join(', ')})`);
      stmt = this.db.prepare<unknown[], GenerationRow>(
        `SELECT ${GENERATION_COLUMNS} FROM generations WHERE ${where.join(' AND ')}
         ORDER BY created_at DESC, sort_id DESC LIMIT ?`,
      );
      this.listStmts.set(shape, stmt);
    }
    return stmt;
  }

  /** Attaches transitions to rows with one query for the whole set. */
  private hydrate(rows: GenerationRow[]): Generation[] {
    if (rows.length === 0) return [];
    const byId = new Map<string, StatusTransition[]>(rows.map((r) => [r.id, []]));
    for (const t of this.stmt.getTransitionsOf.iterate(JSON.stringify(rows.map((r) => r.id)))) {
      byId.get(t.generation_id)?.push(toTransition(t));
    }
    return rows.map((r) => toGeneration(r, byId.get(r.id) ?? []));
  }
}
