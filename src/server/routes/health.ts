/** `/health`: the process is up and serving. Says nothing about its dependencies (see /ready). */
import { sendUncachedJson, type Route } from './route.js';

export interface HealthRouteOptions {
  /** This instance's id in cluster mode, reported so a probe can tell instances apart. @default undefined */
  instance?: string;
}

export function createHealthRoute(options: HealthRouteOptions = {}): Route {
  const body = { status: 'ok', ...(options.instance !== undefined ? { instance: options.instance } : {}) };
  return (_req, res, pathname) => {
    if (pathname !== '/health') return false;
    sendUncachedJson(res, 200, body);
    return true;
  };
}
