/**
 * `/ready`: whether this instance should get traffic. 503 with the problems in words while the
 * store is unavailable, a cluster dependency is down, or the gateway is shutting down.
 */
import type { GenerationStore } from '../../domain/ports.js';
import { sendUncachedJson, type Route } from './route.js';

/** What /ready answers. */
export interface ReadinessReport {
  ready: boolean;
  /** What is wrong, in words, when not ready. */
  problems: string[];
}

export interface ReadinessOptions {
  /** The store whose health decides readiness. */
  store: Pick<GenerationStore, 'kind' | 'healthy'>;
  /** True once shutdown has begun: the instance stops taking new traffic. */
  shuttingDown: () => boolean;
  /** Further checks, each answering a problem in words or null. @default [] */
  checks?: ReadonlyArray<() => Promise<string | null>>;
}

/** The readiness check: every problem at once, so an operator sees them all. */
export function createReadiness(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const checks = options.checks ?? [];
  return async () => {
    const problems: string[] = [];
    if (options.shuttingDown()) problems.push('shutting down');
    if (!(await options.store.healthy().catch(() => false))) problems.push(`store (${options.store.kind}) unavailable`);
    for (const check of checks) {
      const p = await check().catch((e: unknown) => String(e));
      if (p) problems.push(p);
    }
    return { ready: problems.length === 0, problems };
  };
}

export function createReadyRoute(readiness: () => Promise<ReadinessReport>): Route {
  return async (_req, res, pathname) => {
    if (pathname !== '/ready') return false;
    const r = await readiness();
    sendUncachedJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'unavailable', problems: r.problems });
    return true;
  };
}
