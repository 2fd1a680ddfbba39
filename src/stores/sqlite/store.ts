/**
 * The embedded durable store: one SQLite file under DATA_DIR, through better-sqlite3.
 *
 * better-sqlite3 is synchronous; the GenerationStore interface is async so that stores are
 * interchangeable, so every method is an `async` function over synchronous calls (a SQLite error
 * becomes a rejected promise, never a synchronous throw). list() breaks created_at ties by the
 * id's text (UTF-8 byte order); listActive, listUnarchived and ties in recentCompletions follow
 * `seq`, the first-save order (see the schema in migrations.ts).
 */
import type Database from 'better-sqlite3';
import type {
  ClaimResult,
  CompletedSample,
  GenerationStore,
  IdempotencyRecord,
  Page,
  PageRequest,
} from '../../domain/ports.js';
import type { Duration, Generation, Resolution, StatusTransition, VideoModel } from '../../domain/generation.js';
import { prepareListStatement, prepareStatements, type Statements, type Stmt } from './queries.js';
import type { WebhookDelivery } from '../../domain/webhooks.js';
import { SqliteWebhookStore } from './webhooks.js';
import { toGeneration, toLimit, toParams, toRecord, toSpendRecord, toTransition, type GenerationRow } from './rows.js';
import type { SpendRecord } from '../../domain/cost.js';

/** Built by {@link openSqliteStore}, which configures and migrates the connection first. */
export class SqliteStore implements GenerationStore {
  readonly kind = 'sqlite';
  private closed = false;
  private readonly stmt: Statements;
  /** list() statements, one per shape (cursor or not, number of statuses): at most a dozen. */
  private readonly listStmts = new Map<string, Stmt<unknown[], GenerationRow>>();

  private readonly saveTx: (gen: Generation, outbox: readonly WebhookDelivery[]) => void;
  readonly webhooks: SqliteWebhookStore;
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
    this.webhooks = new SqliteWebhookStore(db, () => this.assertOpen());
    const save = db.transaction((gen: Generation, outbox: readonly WebhookDelivery[]) => {
      // The upsert leaves a row of another owner alone: an owner never changes.
      if (s.upsertGeneration.run(toParams(gen)).changes === 0) {
        throw new Error(`SQLite store: generation ${JSON.stringify(gen.id)} belongs to another owner than ${JSON.stringify(gen.owner)}; an owner never changes`);
      }
      s.trimTransitions.run(gen.id, gen.transitions.length);
      gen.transitions.forEach((t, idx) => s.upsertTransition.run(gen.id, idx, t.status, t.providerStatus, t.at));
      // The outbox: deliveries this transition causes, committed with it or not at all.
      this.webhooks.enqueue(outbox);
    });
    this.saveTx = (gen, outbox) => save.immediate(gen, outbox);

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

  async save(gen: Generation, outbox: readonly WebhookDelivery[] = []): Promise<void> {
    this.assertOpen();
    // A generation's first save records a paid create (and its id): that one is synced.
    if (gen.createdAt === gen.updatedAt) this.durably(() => this.saveTx(gen, outbox));
    else this.saveTx(gen, outbox);
  }

  async listTimedOutSince(since: number): Promise<Generation[]> {
    this.assertOpen();
    return this.db.transaction(() => this.hydrate(this.stmt.listTimedOutSince.all(since)))();
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
      .map((r) => ({
        resolution: r.resolution as Resolution,
        duration: r.duration as Duration,
        tookMs: r.completed_at - r.created_at,
        ...(r.model !== 'text-to-video' ? { model: r.model as VideoModel } : {}),
      }));
  }

  async spendSince(owner: string, since: number): Promise<SpendRecord[]> {
    this.assertOpen();
    return this.stmt.spendSince.all(owner, since).map(toSpendRecord);
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
    if (page.after) params.push(page.after.createdAt, page.after.id);
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
      stmt = prepareListStatement(this.db, withCursor, statusCount);
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
