/**
 * The SQLite schema, as an append-only list of migrations, and the code that applies them.
 */
import type Database from 'better-sqlite3';
import { describeCause, StoreOpenError } from './errors.js';

/** "CGR1" in ASCII: marks the file as Cinegraph's (PRAGMA application_id), set by migration 1. */
export const APPLICATION_ID = 0x43475231;

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
export const MIGRATIONS: readonly Migration[] = [
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
        WHERE status NOT IN ('COMPLETED', 'FAILED', 'TIMED_OUT');
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
  {
    version: 2,
    name: 'ties by id text order; predicate columns',
    up: `
      -- list() breaks created_at ties by the id itself (TEXT, BINARY collation: UTF-8 byte
      -- order), which the cursor's id is compared with: the UTF-16BE sort key goes.
      DROP INDEX generations_by_owner;
      ALTER TABLE generations DROP COLUMN sort_id;
      CREATE INDEX generations_by_owner ON generations (owner, created_at DESC, id DESC);

      -- The answers of the domain predicates (src/domain/predicates.ts), written at every save,
      -- so queries never restate them: isActive, needsArchiving, isCompletionSample.
      ALTER TABLE generations ADD COLUMN active            INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1));
      ALTER TABLE generations ADD COLUMN needs_archiving   INTEGER NOT NULL DEFAULT 0 CHECK (needs_archiving IN (0, 1));
      ALTER TABLE generations ADD COLUMN completion_sample INTEGER NOT NULL DEFAULT 0 CHECK (completion_sample IN (0, 1));
      -- Rows saved before this version: the predicates as they read at this version.
      UPDATE generations SET
        active = status NOT IN ('COMPLETED', 'FAILED', 'TIMED_OUT'),
        needs_archiving = status = 'COMPLETED' AND video IS NOT NULL
          AND IFNULL(json_extract(video, '$.archivedFile'), '') = '',
        completion_sample = status = 'COMPLETED' AND completed_at IS NOT NULL AND input_known = 1;

      -- listActive() and countActive(owner): only the few active rows are indexed.
      DROP INDEX generations_active;
      CREATE INDEX generations_active ON generations (owner) WHERE active = 1;
      -- listUnarchived(): rows waiting for their archive copy, in first-save order.
      CREATE INDEX generations_unarchived ON generations (seq) WHERE needs_archiving = 1;
      -- recentCompletions(): the newest completions, in the exact order of the query.
      DROP INDEX generations_completed;
      CREATE INDEX generations_completed ON generations (completed_at DESC, seq DESC) WHERE completion_sample = 1;
    `,
  },
  {
    version: 3,
    name: 'timed-out index for late recovery',
    up: `
      -- listTimedOutSince(): timed-out generations still checked for a late result.
      CREATE INDEX generations_timed_out ON generations (completed_at) WHERE status = 'TIMED_OUT';
    `,
  },
  {
    version: 4,
    name: 'webhook endpoints and the delivery outbox',
    up: `
      -- events: a JSON array of event types. sealed_secret: the signing secret as the secret box
      -- sealed it (src/webhooks/secrets.ts), never the whsec_ text.
      CREATE TABLE webhook_endpoints (
        id              TEXT    PRIMARY KEY,
        owner           TEXT    NOT NULL,
        url             TEXT    NOT NULL,
        events          TEXT    NOT NULL,
        sealed_secret   TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        disabled_at     INTEGER,
        disabled_reason TEXT
      );
      CREATE INDEX webhook_endpoints_by_owner ON webhook_endpoints (owner, created_at, id);

      -- The outbox: rows are inserted in the transaction that saves the transition causing them.
      -- No foreign key to the endpoint: an endpoint deleted while a transition is being saved
      -- must not fail that save (the worker ends such a delivery as FAILED).
      -- due_at: when the row may be claimed (its next attempt, or the end of a claim in flight).
      CREATE TABLE webhook_deliveries (
        id               TEXT    PRIMARY KEY,
        endpoint_id      TEXT    NOT NULL,
        owner            TEXT    NOT NULL,
        event_type       TEXT    NOT NULL,
        generation_id    TEXT    NOT NULL,
        payload          TEXT    NOT NULL,
        status           TEXT    NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts         INTEGER NOT NULL,
        failures         INTEGER NOT NULL,
        last_status_code INTEGER,
        last_error       TEXT,
        next_attempt_at  INTEGER,
        delivered_at     INTEGER,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        due_at           INTEGER,
        claim_token      TEXT
      );
      -- webhookDeliveries(endpointId): newest first, keyset on (created_at, id).
      CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
      -- The worker's claims: only pending rows are indexed.
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_at) WHERE status = 'PENDING';
      -- Retention: ended rows by age.
      CREATE INDEX webhook_deliveries_ended ON webhook_deliveries (updated_at) WHERE status <> 'PENDING';
    `,
  },
  {
    version: 5,
    name: 'video model and frames',
    up: `
      -- The model (src/domain/generation.ts VideoModel); rows saved before are text-to-video.
      ALTER TABLE generations ADD COLUMN model TEXT NOT NULL DEFAULT 'text-to-video';
      -- JSON { firstFrame, lastFrame, aspectRatioGiven? } for the image models, NULL otherwise.
      ALTER TABLE generations ADD COLUMN frames TEXT;
    `,
  },
  {
    version: 6,
    name: 'traceparent of the creating span',
    up: `
      -- The W3C traceparent of the span that created the generation (tracing on), NULL otherwise.
      ALTER TABLE generations ADD COLUMN traceparent TEXT;
    `,
  },
];

/** The schema version this code writes; a database with a higher `user_version` is refused. */
export const SCHEMA_VERSION = MIGRATIONS.length;

MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`sqlite-store: migration #${i} has version ${m.version}, expected ${i + 1}`);
});

export function migrate(db: Database.Database, file: string): void {
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

export function pragmaNumber(db: Database.Database, name: string): number {
  return Number(db.pragma(name, { simple: true }));
}
