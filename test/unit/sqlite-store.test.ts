/**
 * What only the durable store has: files, migrations, refusal to open bad data, persistence.
 * The behaviour shared with every store is in store-contract.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  openSqliteStore,
  SCHEMA_VERSION,
  type SqliteStore,
  StoreOpenError,
  type StoreOpenFailure,
} from '../../src/stores/sqlite/index.js';
import { MIGRATIONS } from '../../src/stores/sqlite/migrations.js';
import type { Generation } from '../../src/domain/generation.js';
import { generationFixture, T0 } from '../utils/generation-fixture.js';


const gen = generationFixture;

/** Runs `open` and returns the StoreOpenError it must fail with, checking its shape. */
async function openError(open: () => Promise<unknown>, reason: StoreOpenFailure): Promise<StoreOpenError> {
  const err = await open().then(
    (store) => {
      void (store as SqliteStore).close();
      throw new Error('expected the store to refuse to open');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreOpenError);
  expect(err).toBeInstanceOf(Error);
  const e = err as StoreOpenError;
  expect(e.name).toBe('StoreOpenError');
  expect(e.reason).toBe(reason);
  expect(e.message).not.toMatch(/[\r\n]/);
  expect(e.message.length).toBeLessThan(400);
  return e;
}

/** A second, raw connection to look at what the store wrote. */
function raw(file: string): Database.Database {
  return new Database(file);
}

/** A database as a release with schema version 1 left it, holding `gens` (saved in this order). */
function writeVersion1(file: string, gens: Generation[]): void {
  const db = raw(file);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(MIGRATIONS[0]!.up);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, ?, ?)').run(MIGRATIONS[0]!.name, T0);
    db.pragma('user_version = 1');
    const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
    const insert = db.prepare(
      `INSERT INTO generations (id, sort_id, owner, status, provider_status, prompt, negative_prompt, aspect_ratio,
         resolution, duration, style, seed, input_known, video, error, usage, expected_duration_ms, created_at,
         updated_at, completed_at, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const transition = db.prepare('INSERT INTO transitions (generation_id, idx, status, provider_status, at) VALUES (?, ?, ?, ?, ?)');
    for (const g of gens) {
      const { input } = g;
      // Version 1's sort key: the id as UTF-16BE bytes.
      insert.run(g.id, Buffer.from(g.id, 'utf16le').swap16(), g.owner, g.status, g.providerStatus, input.prompt,
        input.negativePrompt, input.aspectRatio, input.resolution, input.duration, input.style, input.seed,
        g.inputKnown ? 1 : 0, json(g.video), json(g.error), json(g.usage), g.expectedDurationMs, g.createdAt,
        g.updatedAt, g.completedAt, g.idempotencyKey);
      g.transitions.forEach((t, i) => transition.run(g.id, i, t.status, t.providerStatus, t.at));
    }
  } finally {
    db.close();
  }
}

describe('SqliteStore', () => {
  let dir: string;
  let store: SqliteStore | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cinegraph-sqlite-'));
  });

  afterEach(async () => {
    await store?.close();
    store = null;
    await chmod(dir, 0o700).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  describe('opening', () => {
    it('creates a missing data directory, recursively, and cinegraph.db in it', async () => {
      const dataDir = join(dir, 'a', 'b', 'data');
      store = await openSqliteStore(dataDir);
      expect(store.kind).toBe('sqlite');
      expect(store.file).toBe(join(dataDir, 'cinegraph.db'));
      expect((await stat(dataDir)).isDirectory()).toBe(true);
      expect(existsSync(store.file)).toBe(true);
      expect(await store.healthy()).toBe(true);
    });

    it('honours fileName and leaves no probe file behind', async () => {
      store = await openSqliteStore(dir, { fileName: 'other.sqlite' });
      expect(store.file).toBe(join(dir, 'other.sqlite'));
      expect(existsSync(join(dir, 'other.sqlite'))).toBe(true);
      expect(existsSync(join(dir, 'cinegraph.db'))).toBe(false);
      expect((await readdir(dir)).filter((f) => f.includes('probe'))).toEqual([]);
    });

    it('uses WAL journal mode (persistent in the file)', async () => {
      store = await openSqliteStore(dir);
      const db = raw(store.file);
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        db.close();
      }
    });

    it('records migrations and the schema version, and does not re-apply them', async () => {
      store = await openSqliteStore(dir);
      await store.close();
      store = await openSqliteStore(dir);
      await store.close();
      store = null;
      const db = raw(join(dir, 'cinegraph.db'));
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
        const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as {
          version: number;
          name: string;
          applied_at: number;
        }[];
        expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
        for (const r of rows) {
          expect(r.name).not.toBe('');
          expect(r.applied_at).toBeGreaterThan(T0);
        }
        const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
        expect(tables).toEqual(expect.arrayContaining(['generations', 'idempotency_keys', 'schema_migrations', 'transitions']));
        expect(db.pragma('foreign_key_check')).toEqual([]);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    });
  });

  describe('upgrading', () => {
    it('opens a version-1 database: drops its sort key, fills the predicate columns, keeps every generation', async () => {
      const done = (id: string, over: Partial<Generation> = {}) =>
        gen(id, {
          status: 'COMPLETED',
          providerStatus: 'completed',
          video: { url: `https://cdn/${id}.mp4`, contentType: 'video/mp4', fileName: null, fileSize: 10 },
          completedAt: T0 + 40_000,
          updatedAt: T0 + 40_000,
          ...over,
        });
      const gens = [
        gen('queued', { createdAt: T0 + 2 }),
        done('unarchived'),
        gen('generating', { createdAt: T0 + 1, owner: 'bob', status: 'GENERATING' }),
        done('archived', { video: { url: 'u', contentType: null, fileName: null, fileSize: null, archivedFile: 'a.mp4' } }),
        done('adopted', { inputKnown: false }),
        gen('failed', { status: 'FAILED', completedAt: T0 + 5 }),
        gen('timed-out', { status: 'TIMED_OUT', completedAt: T0 + 6 }),
        // Ties whose UTF-16 order differs from their UTF-8 order.
        gen('\uFF01', { status: 'FAILED' }),
        gen('\u{1F600}', { status: 'FAILED' }),
      ];
      const file = join(dir, 'cinegraph.db');
      writeVersion1(file, gens);

      store = await openSqliteStore(dir);
      for (const g of gens) expect(await store.get(g.id)).toStrictEqual(g);
      expect((await store.listActive()).map((g) => g.id)).toEqual(['queued', 'generating']);
      expect([await store.countActive('alice'), await store.countActive('bob')]).toEqual([1, 1]);
      expect((await store.listUnarchived(10)).map((g) => g.id)).toEqual(['unarchived', 'adopted']);
      expect(await store.recentCompletions(10)).toEqual([
        { resolution: '720p', duration: 5, tookMs: 40_000 },
        { resolution: '720p', duration: 5, tookMs: 40_000 },
      ]);
      const full = (await store.list('alice', { first: 100, after: null, statuses: null })).items.map((g) => g.id);
      // This store breaks createdAt ties by the id's UTF-8 bytes, newest first: descending.
      expect(full).toEqual(['queued', '\u{1F600}', '\uFF01', 'unarchived', 'timed-out', 'failed', 'archived', 'adopted']);
      // Pages after the upgrade follow the one-page order.
      const second = await store.list('alice', { first: 100, after: { createdAt: T0, id: full[3]! }, statuses: null });
      expect(second.items.map((g) => g.id)).toEqual(full.slice(4));

      // New saves write the new columns.
      await store.save(done('queued', { createdAt: T0 + 2 }));
      expect((await store.listActive()).map((g) => g.id)).toEqual(['generating']);
      expect((await store.listUnarchived(10)).map((g) => g.id)).toEqual(['queued', 'unarchived', 'adopted']);
      await store.close();
      store = null;

      const db = raw(file);
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
        expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(
          Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
        );
        const columns = (db.pragma('table_info(generations)') as { name: string }[]).map((c) => c.name);
        expect(columns).not.toContain('sort_id');
        expect(columns).toEqual(expect.arrayContaining(['active', 'needs_archiving', 'completion_sample']));
        expect(db.pragma('foreign_key_check')).toEqual([]);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
    });
  });

  describe('persistence', () => {
    it('keeps generations, transitions and idempotency keys across close and reopen', async () => {
      const a = gen('1fe4344e-aaaa:pixverse/v5/text-to-video', {
        status: 'COMPLETED',
        providerStatus: 'completed',
        video: { url: 'https://cdn/x.mp4', contentType: 'video/mp4', fileName: null, fileSize: 10, providerUrl: 'https://p/x.mp4' },
        usage: { creditsUsed: 1, tokensUsed: null, usdSpent: 0.01 },
        completedAt: T0 + 40_000,
        updatedAt: T0 + 40_000,
        transitions: [
          { status: 'QUEUED', providerStatus: 'queued', at: T0 },
          { status: 'GENERATING', providerStatus: 'generating', at: T0 + 5_000 },
          { status: 'COMPLETED', providerStatus: 'completed', at: T0 + 40_000 },
        ],
        idempotencyKey: 'k',
      });
      const b = gen('b', { createdAt: T0 + 1, owner: 'bob', status: 'GENERATING' });
      store = await openSqliteStore(dir);
      await store.save(a);
      await store.save(b);
      await store.claimKey('alice', 'k', 'fp', T0, 60_000);
      await store.completeKey('alice', 'k', a.id);
      await store.close();

      store = await openSqliteStore(dir);
      expect(await store.get(a.id)).toStrictEqual(a);
      expect(await store.get('b')).toStrictEqual(b);
      expect(await store.listActive()).toStrictEqual([b]);
      expect(await store.countActive('bob')).toBe(1);
      expect(await store.list('alice', { first: 10, after: null, statuses: null })).toStrictEqual({ items: [a], hasNextPage: false });
      expect(await store.recentCompletions(10)).toEqual([{ resolution: '720p', duration: 5, tookMs: 40_000 }]);
      expect(await store.getKey('alice', 'k', T0 + 1)).toMatchObject({ state: 'done', generationId: a.id });
    });

    it('saves a generation and its transitions in one transaction', async () => {
      store = await openSqliteStore(dir);
      const good = gen('atomic');
      await store.save(good);
      // The row update succeeds, then a transition violates NOT NULL: nothing of it may stay.
      const bad = gen('atomic', {
        status: 'GENERATING',
        transitions: [...good.transitions, { status: null as never, providerStatus: 'x', at: T0 + 1 }],
      });
      await expect(store.save(bad)).rejects.toThrow();
      expect(await store.get('atomic')).toStrictEqual(good);
    });

    it('handles 1,000 saves and lists them all back in order', async () => {
      store = await openSqliteStore(dir);
      for (let i = 0; i < 1000; i++) {
        await store.save(gen(`bulk-${String(i).padStart(4, '0')}`, { createdAt: T0 + i, owner: i % 2 ? 'alice' : 'bob' }));
      }
      let after = null as { createdAt: number; id: string } | null;
      const seen: string[] = [];
      for (;;) {
        const page = await store.list('alice', { first: 100, after, statuses: ['QUEUED'] });
        seen.push(...page.items.map((g) => g.id));
        const last = page.items.at(-1);
        if (!page.hasNextPage || !last) break;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toHaveLength(500);
      expect(seen[0]).toBe('bulk-0999');
      expect(seen.at(-1)).toBe('bulk-0001');
      expect(await store.countActive('bob')).toBe(500);
      expect(await store.listActive()).toHaveLength(1000);
    });

    it('prunes expired idempotency keys as new ones are claimed', async () => {
      store = await openSqliteStore(dir);
      for (let i = 0; i < 250; i++) await store.claimKey('alice', `old-${i}`, 'fp', T0, 1_000);
      const count = () => {
        const db = raw(store!.file);
        try {
          return db.prepare('SELECT count(*) FROM idempotency_keys').pluck().get();
        } finally {
          db.close();
        }
      };
      expect(count()).toBe(250);
      await store.claimKey('alice', 'new-1', 'fp', T0 + 5_000, 1_000);
      expect(count()).toBeLessThan(251);
      for (let i = 0; i < 5; i++) await store.claimKey('alice', `new-${i + 2}`, 'fp', T0 + 5_000, 1_000);
      // Every expired key is gone; the live ones stay.
      expect(count()).toBe(6);
      expect(await store.getKey('alice', 'new-1', T0 + 5_001)).not.toBeNull();
    });
  });

  describe('refusing to open', () => {
    it('refuses a database written by a newer version', async () => {
      store = await openSqliteStore(dir);
      await store.close();
      store = null;
      const db = raw(join(dir, 'cinegraph.db'));
      db.pragma(`user_version = ${SCHEMA_VERSION + 7}`);
      db.close();

      const e = await openError(() => openSqliteStore(dir), 'newer_version');
      expect(e.path).toBe(join(dir, 'cinegraph.db'));
      expect(e.message).toContain(join(dir, 'cinegraph.db'));
      expect(e.message).toContain(String(SCHEMA_VERSION + 7));
      expect(e.message).toMatch(/upgrade/i);
    });

    it('refuses a file that is not a SQLite database', async () => {
      await writeFile(join(dir, 'cinegraph.db'), Buffer.from('definitely not sqlite, just some bytes\n'.repeat(200)));
      const e = await openError(() => openSqliteStore(dir), 'corrupt');
      expect(e.message).toContain(join(dir, 'cinegraph.db'));
      expect(e.message).toMatch(/not a .*SQLite database or is corrupt/);
      expect(e.message).toMatch(/backup/);
    });

    it('refuses a short garbage file instead of overwriting it', async () => {
      // SQLite alone would treat a file shorter than a page as empty and write over it.
      const file = join(dir, 'cinegraph.db');
      await writeFile(file, 'x');
      await openError(() => openSqliteStore(dir), 'corrupt');
      expect(statSync(file).size).toBe(1);
    });

    it('refuses a SQLite file with corrupt pages (quick_check)', async () => {
      store = await openSqliteStore(dir);
      for (let i = 0; i < 300; i++) await store.save(gen(`g-${i}`, { createdAt: T0 + i, input: { ...gen('x').input, prompt: 'p'.repeat(300) } }));
      await store.close();
      store = null;
      const file = join(dir, 'cinegraph.db');
      expect(statSync(file).size).toBeGreaterThan(4096 * 8);
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 3);
      closeSync(fd);

      const e = await openError(() => openSqliteStore(dir), 'corrupt');
      expect(e.message).toMatch(/corrupt/);
    });

    it('refuses another application\u2019s SQLite database', async () => {
      const db = raw(join(dir, 'cinegraph.db'));
      db.exec('CREATE TABLE notes (body TEXT); PRAGMA user_version = 1;');
      db.close();
      const e = await openError(() => openSqliteStore(dir), 'corrupt');
      expect(e.message).toMatch(/not a Cinegraph database/);
    });

    it('refuses a data directory that cannot be created (its parent is a file)', async () => {
      const parent = join(dir, 'a-file');
      await writeFile(parent, 'not a directory');
      const dataDir = join(parent, 'data');
      const e = await openError(() => openSqliteStore(dataDir), 'data_dir');
      expect(e.path).toBe(dataDir);
      expect(e.message).toContain(dataDir);
      expect(e.message).toMatch(/ENOTDIR/);
      expect(e.message).toMatch(/DATA_DIR/);
    });

    it('refuses a data directory path that is a regular file', async () => {
      const file = join(dir, 'plain');
      await writeFile(file, '');
      const e = await openError(() => openSqliteStore(file), 'data_dir');
      expect(e.message).toContain(file);
    });

    // Tests run as root, where mode bits do not stop writes: use directories the kernel itself
    // refuses. (Node 20's own recursive mkdir never returns for these; the store must not hang.)
    it.runIf(process.platform === 'linux' && existsSync('/proc/self'))(
      'refuses a data directory that exists but cannot be written, or cannot be created, under /proc',
      async () => {
        const unwritable = await openError(() => openSqliteStore('/proc'), 'data_dir');
        expect(unwritable.message).toMatch(/^Cannot write in the data directory "\/proc"/);

        const uncreatable = await openError(() => openSqliteStore('/proc/cinegraph-test/data'), 'data_dir');
        expect(uncreatable.message).toMatch(/^Cannot create the data directory "\/proc\/cinegraph-test\/data"/);
      },
    );

    it('refuses a read-only data directory', async () => {
      const dataDir = join(dir, 'ro');
      await mkdir(dataDir);
      await chmod(dataDir, 0o555);
      if (process.getuid?.() !== 0) {
        await openError(() => openSqliteStore(dataDir), 'data_dir');
        return;
      }
      // Root ignores permission bits: open the store as an unprivileged user instead.
      await chmod(dir, 0o755);
      const script = `import { openSqliteStore } from './src/stores/sqlite/index.ts';
        try { await openSqliteStore(${JSON.stringify(dataDir)}); console.log('opened'); }
        catch (e) { console.log(JSON.stringify({ reason: e.reason, message: e.message })); }`;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        uid: 65534,
        gid: 65534,
        env: { PATH: process.env.PATH ?? '', HOME: '/tmp' },
        encoding: 'utf8',
      });
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as { reason: string; message: string };
      expect(result.reason).toBe('data_dir');
      expect(result.message).not.toContain('\n');
    });

    it('refuses when the database path is a directory', async () => {
      await mkdir(join(dir, 'cinegraph.db'));
      const e = await openError(() => openSqliteStore(dir), 'open');
      expect(e.message).toContain(join(dir, 'cinegraph.db'));
    });
  });

  describe('after close', () => {
    it('rejects every method with a clear error, and is unhealthy', async () => {
      const s = await openSqliteStore(dir);
      await s.close();
      await s.close();
      expect(await s.healthy()).toBe(false);
      const calls: (() => Promise<unknown>)[] = [
        () => s.get('x'),
        () => s.save(gen('x')),
        () => s.listActive(),
        () => s.list('alice', { first: 1, after: null, statuses: null }),
        () => s.countActive('alice'),
        () => s.recentCompletions(1),
        () => s.claimKey('alice', 'k', 'fp', 0, 1),
        () => s.getKey('alice', 'k', 0),
        () => s.completeKey('alice', 'k', 'x'),
        () => s.markKeyInDoubt('alice', 'k'),
        () => s.releaseKey('alice', 'k'),
      ];
      for (const call of calls) await expect(call()).rejects.toThrow(/SQLite store .* is closed/);
    });
  });
});
