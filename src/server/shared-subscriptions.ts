/**
 * Execute once, send many. Subscribers that follow the same thing (the same document, operation
 * and variables, on the same transport, for the same viewer) share one source stream and one
 * execution per event: when a generation moves, its ten thousand subscribers cost one execution,
 * not ten thousand, and over graphql-ws one serialized payload (only the message id differs).
 *
 * The first subscriber of a key opens the source stream (the field's `subscribe`, with its own
 * arguments and context) and the group executes each event once, with that subscriber's
 * arguments; the result goes to every member's queue. A member joining an open group gets the
 * group's latest event executed with its own arguments first (as a new subscription starts
 * from the current state), then every later result. Only a member's queue, its place in the
 * group and its count against the per-client cap are per subscriber.
 *
 * Correctness rests on the key: viewer (owner and kind) and transport are part of it, so
 * nothing is ever shared across owners; admission (the per-client subscription cap) runs for
 * every member through the service, and a member's completion, or its client's, ends only that
 * member; the source ends when its last member leaves. Errors of the source reach every member.
 * A member that falls `maxQueued` results behind is ended with an error rather than holding
 * memory or the others back (a generation has a handful of transitions, so a live client never
 * comes near it).
 */
import { randomUUID } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  createSourceEventStream,
  execute,
  getOperationAST,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../schema/builder.js';

type MaybePromise<T> = T | Promise<T>;
type SubscribeResult = AsyncIterable<ExecutionResult> | ExecutionResult;

export interface SharedSubscriptionsOptions {
  /** Results a member may fall behind before it is ended with an error. @default 64 */
  maxQueued?: number;
  /**
   * Subscription fields whose events and answers depend only on their arguments, the viewer and
   * the event, never on which subscriber asked: only operations selecting nothing else are shared.
   * @default ['videoGenerationUpdates']
   */
  fields?: readonly string[];
}

const NONE = Symbol('none');

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` name the same variables. */
function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}

/** What makes two subscriptions interchangeable, or null when this one is not shared. */
function shareKey(args: ExecutionArgs, fields: ReadonlySet<string>): string | null {
  const op = getOperationAST(args.document, args.operationName);
  if (op?.operation !== 'subscription') return null;
  // Fragments and directives at the root could select anything: only plain fields are shared.
  if (!op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && !s.directives?.length && fields.has(s.name.value))) return null;
  const body = args.document.loc?.source.body;
  const ctx = args.contextValue as Partial<GatewayContext> | undefined;
  if (body === undefined || !ctx?.viewer || !ctx.service || !ctx.transport) return null;
  return [ctx.transport, ctx.viewer.kind, ctx.viewer.owner, args.operationName ?? '', stableJson(args.variableValues ?? {}), body].join('\u0000');
}

/** A ServiceError (or anything) thrown while admitting, as the field's subscribe would report it. */
function fieldError(err: unknown, args: ExecutionArgs): ExecutionResult {
  const op = getOperationAST(args.document, args.operationName);
  const field = op?.selectionSet.selections[0];
  const nodes = field ? [field] : undefined;
  const path = field?.kind === 'Field' ? [field.alias?.value ?? field.name.value] : undefined;
  const original = err instanceof Error ? err : new Error(String(err));
  return { errors: [new GraphQLError(original.message, { nodes, path, originalError: original })] };
}

/** One subscriber's view of a group: its queue, in order, ending when it or the group ends. */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private queue: MaybePromise<ExecutionResult>[] = [];
  private waiter: { resolve: (r: IteratorResult<ExecutionResult>) => void; reject: (e: unknown) => void } | null = null;
  private ended = false;
  private failure: unknown = NONE;

  constructor(
    private readonly group: Group,
    /** Releases this member's count against the per-client cap; null while the source stream counts for it. */
    public release: (() => void) | null,
  ) {}

  push(result: MaybePromise<ExecutionResult>): void {
    if (this.ended) return;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      Promise.resolve(result).then((value) => w.resolve({ value, done: false }), w.reject);
      return;
    }
    this.queue.push(result);
    if (this.queue.length > this.group.maxQueued) {
      this.queue = [];
      this.group.leave(this);
      this.finish(new GraphQLError(`This subscription fell more than ${this.group.maxQueued} results behind and was ended`, { extensions: { code: 'SLOW_CONSUMER' } }));
    }
  }

  /** No more results: the queue drains, then the iterator ends (with `error`, if given). */
  finish(error: unknown = NONE): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      this.settleEnd(w.resolve, w.reject);
    }
  }

  private settleEnd(resolve: (r: IteratorResult<ExecutionResult>) => void, reject: (e: unknown) => void): void {
    const failure = this.failure;
    this.failure = NONE;
    if (failure === NONE) resolve({ value: undefined, done: true });
    else reject(failure);
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!).then((value) => ({ value, done: false }));
    return new Promise((resolve, reject) => {
      if (this.ended) this.settleEnd(resolve, reject);
      else this.waiter = { resolve, reject };
    });
  }

  /** The subscriber went away (it completed the operation, or its connection closed). */
  return(): Promise<IteratorResult<ExecutionResult>> {
    this.queue = [];
    this.failure = NONE;
    if (!this.ended) {
      this.group.leave(this);
      this.finish();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<ExecutionResult>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** The subscribers of one key: one source stream, one execution per event. */
class Group {
  readonly members = new Set<Member>();
  private last: unknown = NONE;
  private closed = false;

  /** Set once the field's subscribe answered with a stream. */
  private source: AsyncIterator<unknown> | null = null;

  constructor(
    private readonly hub: SharedSubscriptions,
    readonly key: string,
    private readonly args: ExecutionArgs,
    readonly maxQueued: number,
  ) {}

  /**
   * Opens the source stream with the first subscriber's arguments. When the field answers with
   * errors instead (a refused subscription), the first subscriber gets them as before, and so
   * does every member that joined meanwhile (same key: same viewer, document and variables).
   */
  async start(): Promise<SubscribeResult> {
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(this.args);
    } catch (err) {
      source = fieldError(err, this.args);
    }
    if (!isAsyncIterable(source)) {
      const refused = source as ExecutionResult;
      this.closed = true;
      this.hub.forget(this);
      for (const m of this.members) {
        m.release?.();
        m.release = null;
        if (m !== this.starter) m.push(refused);
        m.finish();
      }
      this.members.clear();
      return refused;
    }
    this.source = source[Symbol.asyncIterator]();
    if (this.closed) void this.source.return?.();
    else void this.pump();
    return this.starter!;
  }

  /** The member of the subscriber whose subscription opens the source. */
  starter: Member | null = null;

  get open(): boolean {
    return !this.closed;
  }

  /** Adds a member; one joining after the first event starts from the latest, run with its own arguments. */
  join(member: Member, args: ExecutionArgs): void {
    this.members.add(member);
    if (this.last !== NONE) member.push(execute({ ...args, rootValue: this.last }));
  }

  leave(member: Member): void {
    if (!this.members.delete(member)) return;
    if (member.release) {
      member.release();
      member.release = null;
    } else {
      // The member the source stream counted for left: another takes that place.
      for (const m of this.members) {
        if (m.release) {
          m.release();
          m.release = null;
          break;
        }
      }
    }
    if (this.members.size === 0) this.close();
  }

  private async pump(): Promise<void> {
    const source = this.source!;
    let failure: unknown = NONE;
    try {
      for (;;) {
        const step = await source.next();
        if (step.done || this.closed) break;
        this.last = step.value;
        const result = execute({ ...this.args, rootValue: step.value });
        for (const m of this.members) m.push(result);
      }
    } catch (err) {
      failure = err;
    }
    this.close();
    for (const m of [...this.members]) {
      if (m.release) m.release();
      m.release = null;
      m.finish(failure);
    }
    this.members.clear();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.forget(this);
    // A source still being opened is returned as soon as it is there (start()).
    void this.source?.return?.();
  }
}

/** The groups of one server. */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();
  private readonly maxQueued: number;
  private readonly fields: ReadonlySet<string>;

  constructor(options: SharedSubscriptionsOptions = {}) {
    this.maxQueued = options.maxQueued ?? 64;
    this.fields = new Set(options.fields ?? ['videoGenerationUpdates']);
  }

  /** Open groups (distinct shared executions). */
  get size(): number {
    return this.groups.size;
  }

  /** A subscription, shared with the open one of the same key if there is one. */
  async subscribe(args: ExecutionArgs, fallback: (args: ExecutionArgs) => MaybePromise<SubscribeResult>): Promise<SubscribeResult> {
    const key = shareKey(args, this.fields);
    if (key === null) return fallback(args);
    const ctx = args.contextValue as GatewayContext;
    const open = this.groups.get(key);
    if (open?.open) {
      let release: () => void;
      try {
        release = ctx.service.follow(ctx.viewer.owner, ctx.transport);
      } catch (err) {
        return fieldError(err, args);
      }
      const member = new Member(open, release);
      open.join(member, args);
      return member;
    }
    // Indexed at once, before the source is open, so subscribers arriving meanwhile join it.
    const group = new Group(this, key, args, this.maxQueued);
    const member = new Member(group, null);
    group.starter = member;
    group.join(member, args);
    this.groups.set(key, group);
    return group.start();
  }

  /** @internal A group that closed leaves the index (unless another took its key). */
  forget(group: Group): void {
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
  }
}

/** Runs every subscription through `shared` (yoga/envelop plugin: SSE and graphql-ws alike). */
export function useSharedSubscriptions(shared: SharedSubscriptions): Plugin {
  return {
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      setSubscribeFn(((args: ExecutionArgs) => shared.subscribe(args, subscribeFn as (a: ExecutionArgs) => MaybePromise<SubscribeResult>)) as never);
    },
  };
}

// --- One serialized payload per result over graphql-ws ------------------------------------

/**
 * graphql-ws serializes each `next` message itself, payload included. A result handed to many
 * subscribers is serialized once instead: graphql-ws's `onNext` returns a stand-in whose JSON
 * form is a token unique to this process, and the socket's `send`, called synchronously right
 * after that serialization, puts the payload's JSON in the token's place.
 */
const TOKEN = `cinegraph.shared-payload.${randomUUID()}`;
const TOKEN_TAIL = `"payload":${JSON.stringify(TOKEN)}}`;
let pendingJson: string | null = null;

class SharedPayload {
  constructor(readonly json: string) {}
  toJSON(): string {
    pendingJson = this.json;
    return TOKEN;
  }
}

const payloads = new WeakMap<object, SharedPayload>();

/** The stand-in for `result` (one per result object, serialized once). */
export function sharedPayload(result: ExecutionResult): FormattedExecutionResult {
  let p = payloads.get(result);
  if (!p) {
    p = new SharedPayload(JSON.stringify(result));
    payloads.set(result, p);
  }
  return p as unknown as FormattedExecutionResult;
}

/** A graphql-ws message as it goes on the wire: a stand-in's token replaced by its payload. */
export function withSharedPayload(data: string): string {
  const json = pendingJson;
  if (json === null) return data;
  pendingJson = null;
  if (!data.endsWith(TOKEN_TAIL)) return data;
  return `${data.slice(0, data.length - TOKEN_TAIL.length)}"payload":${json}}`;
}
