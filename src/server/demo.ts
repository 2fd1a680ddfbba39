/** The demo page served at `/` (being built). */
import type http from 'node:http';

export function createDemoRoute(): (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => Promise<boolean> {
  return async () => false;
}
