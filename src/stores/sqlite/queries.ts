/**
 * The SQLite store's statements, prepared once per connection.
 */
import type Database from 'better-sqlite3';
import {
  GENERATION_COLUMNS,
  KEY_COLUMNS,
  type CompletionRow,
  type GenerationParams,
  type GenerationRow,
  type KeyRow,
  type SpendRow,
  type TransitionRow,
} from './rows.js';

/** Expired idempotency keys deleted per claim, so pruning never makes one claim slow. */
const PRUNE_BATCH = 100;

export type Stmt<P extends unknown[] | object, R = unknown> = Database.Statement<P, R>;

export function prepareStatements(db: Database.Database) {
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
    /** Changes no row when the generation exists under another owner. */
    upsertGeneration: db.prepare<GenerationParams>(
      `INSERT INTO generations (${GENERATION_COLUMNS}, active, needs_archiving, completion_sample)
       VALUES (@id, @owner, @status, @provider_status, @prompt, @negative_prompt, @aspect_ratio, @resolution,
         @duration, @style, @seed, @input_known, @video, @error, @usage, @expected_duration_ms, @created_at,
         @updated_at, @completed_at, @idempotency_key, @model, @frames, @traceparent, @active, @needs_archiving, @completion_sample)
       ON CONFLICT (id) DO UPDATE SET
         status = excluded.status, provider_status = excluded.provider_status,
         prompt = excluded.prompt, negative_prompt = excluded.negative_prompt,
         aspect_ratio = excluded.aspect_ratio, resolution = excluded.resolution, duration = excluded.duration,
         style = excluded.style, seed = excluded.seed, input_known = excluded.input_known,
         video = excluded.video, error = excluded.error, usage = excluded.usage,
         expected_duration_ms = excluded.expected_duration_ms, created_at = excluded.created_at,
         updated_at = excluded.updated_at, completed_at = excluded.completed_at,
         idempotency_key = excluded.idempotency_key, model = excluded.model, frames = excluded.frames,
         traceparent = excluded.traceparent, active = excluded.active,
         needs_archiving = excluded.needs_archiving, completion_sample = excluded.completion_sample
       WHERE owner = excluded.owner`,
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
    // the active and unarchived sets are small however many generations are kept. The partial
    // indexes' WHERE terms are repeated exactly, as SQLite needs to use them.
    listActive: db.prepare<[], GenerationRow>(
      `SELECT ${GENERATION_COLUMNS} FROM generations INDEXED BY generations_active
       WHERE active = 1 ORDER BY seq`,
    ),
    listTimedOutSince: db.prepare<[number], GenerationRow>(
      `SELECT ${GENERATION_COLUMNS} FROM generations INDEXED BY generations_timed_out
       WHERE status = 'TIMED_OUT' AND completed_at >= ? ORDER BY completed_at`,
    ),
    listUnarchived: db.prepare<[number], GenerationRow>(
      `SELECT ${GENERATION_COLUMNS} FROM generations INDEXED BY generations_unarchived
       WHERE needs_archiving = 1 ORDER BY seq LIMIT ?`,
    ),
    countActive: db.prepare<[string], number>('SELECT count(*) FROM generations WHERE owner = ? AND active = 1').pluck(),
    recentCompletions: db.prepare<[number], CompletionRow>(
      `SELECT resolution, duration, created_at, completed_at, model FROM generations
       WHERE completion_sample = 1 ORDER BY completed_at DESC, seq DESC LIMIT ?`,
    ),
    /** spendSince(): a range of the owner index (owner, created_at), a few columns per row. */
    spendSince: db.prepare<[string, number], SpendRow>(
      `SELECT id, created_at, status, resolution, duration, model, input_known, usage FROM generations
       WHERE owner = ? AND created_at >= ? ORDER BY created_at`,
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

export type Statements = ReturnType<typeof prepareStatements>;

/**
 * The list() statement for one shape: with or without a cursor, and `statusCount` statuses.
 * Parameters: owner, then the cursor's created_at and id, then the statuses, then LIMIT.
 * Ties at equal created_at are ordered by the id's text (UTF-8 bytes), the order the cursor's
 * id is compared in, so a cursor continues exactly where its page ended.
 */
export function prepareListStatement(db: Database.Database, withCursor: boolean, statusCount: number): Stmt<unknown[], GenerationRow> {
  const where = ['owner = ?'];
  // Row-value comparison: an index range on (created_at, id), exclusive of the cursor.
  if (withCursor) where.push('(created_at, id) < (?, ?)');
  if (statusCount > 0) where.push(`status IN (${Array.from({ length: statusCount }, () => '?').join(', ')})`);
  return db.prepare<unknown[], GenerationRow>(
    `SELECT ${GENERATION_COLUMNS} FROM generations WHERE ${where.join(' AND ')}
     ORDER BY created_at DESC, id DESC LIMIT ?`,
  );
}
