import type { Fault, InjectOptions } from './types.js';

export type RouteKind = 'create' | 'read';

interface QueuedFault {
  fault: Fault;
  remaining: number;
  on: 'create' | 'read' | 'any';
  id: string | null;
}

const FAULT_STATUSES = new Set([400, 401, 403, 404, 408, 429, 500, 502, 503, 504]);

/** Faults waiting for matching requests, oldest first. */
export class FaultQueue {
  #queue: QueuedFault[] = [];

  add(fault: Fault, options: InjectOptions = {}): void {
    const times = options.times ?? 1;
    // Fail loudly in the test that misconfigures a fault, not later in an unrelated one.
    if (!(times > 0) || (Number.isFinite(times) && !Number.isInteger(times))) {
      throw new TypeError(`inject: times must be a positive integer or Infinity, got ${times}`);
    }
    if (options.id !== undefined && options.on !== undefined && options.on !== 'read') {
      throw new TypeError(`inject: an id applies to reads only, but on is ${JSON.stringify(options.on)}`);
    }
    if (fault.type === 'status' && !FAULT_STATUSES.has(fault.status)) {
      throw new TypeError(`inject: unsupported status ${String(fault.status)}`);
    }
    if (fault.type === 'delay' && !(fault.ms >= 0)) {
      throw new TypeError(`inject: delay ms must be >= 0, got ${fault.ms}`);
    }
    this.#queue.push({
      fault,
      remaining: times,
      on: options.id !== undefined ? 'read' : (options.on ?? 'read'),
      id: options.id ?? null,
    });
  }

  clear(): void {
    this.#queue = [];
  }

  /** Consumes one use of the oldest fault matching this request, if any. */
  take(kind: RouteKind, generationId: string | null): Fault | null {
    const index = this.#queue.findIndex(
      (q) => (q.on === 'any' || q.on === kind) && (q.id === null || (kind === 'read' && q.id === generationId)),
    );
    if (index < 0) return null;
    const queued = this.#queue[index]!;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.#queue.splice(index, 1);
    return queued.fault;
  }
}
