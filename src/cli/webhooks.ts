/**
 * `cinegraph add-webhook <url>` and `cinegraph webhooks`: register a webhook endpoint (its
 * signing secret is printed once, on stdout, to be kept by the receiver) and list them.
 */
import {
  CreateWebhookEndpointDocument,
  WebhookEndpointsDocument,
  type WebhookEndpointFieldsFragment,
  type WebhookEventType,
} from '../client/generated/graphql.js';
import { CliError, ExitCode, exitCodeForUserError } from './errors.js';
import type { Gateway, UserError } from './gateway.js';
import type { Io } from './output.js';

/** `--event` spellings: the GraphQL enum, the body's `type`, or its last word. */
const EVENTS: Record<string, WebhookEventType> = {
  completed: 'VIDEO_GENERATION_COMPLETED',
  failed: 'VIDEO_GENERATION_FAILED',
  timed_out: 'VIDEO_GENERATION_TIMED_OUT',
  status_changed: 'VIDEO_GENERATION_STATUS_CHANGED',
};

export function parseEvents(values: string[] | undefined): WebhookEventType[] | null {
  if (!values || values.length === 0) return null;
  const out: WebhookEventType[] = [];
  for (const raw of values.flatMap((v) => v.split(','))) {
    const v = raw.trim().toLowerCase().replace(/^video_generation[._]/, '').replace(/-/g, '_');
    const e = EVENTS[v];
    if (!e) throw new CliError(`--event must be one of ${Object.keys(EVENTS).join(', ')} (got "${raw.trim()}")`, ExitCode.USER_ERROR, 'USAGE');
    if (!out.includes(e)) out.push(e);
  }
  return out;
}

const eventWord = (e: WebhookEventType): string => e.replace(/^VIDEO_GENERATION_/, '').toLowerCase();

function describe(e: WebhookEndpointFieldsFragment): string {
  const state = e.disabledAt ? `disabled ${e.disabledAt} (it answered 410 Gone)` : 'enabled';
  return `${e.id}  ${e.url}  ${e.events.map(eventWord).join(',')}  ${e.createdAt}  ${state}`;
}

export async function addWebhook(
  gateway: Gateway,
  io: Io,
  json: boolean,
  url: string,
  events: WebhookEventType[] | null,
  printUserErrors: (errors: UserError[]) => void,
): Promise<ExitCode> {
  const { createWebhookEndpoint: p } = await gateway.request(CreateWebhookEndpointDocument, { input: { url, events } });
  if (!p.endpoint || !p.secret) {
    printUserErrors(p.userErrors);
    const first = p.userErrors[0];
    return first ? exitCodeForUserError(first.code) : ExitCode.UNEXPECTED;
  }
  if (json) {
    io.stdout.write(`${JSON.stringify({ type: 'webhookEndpoint', endpoint: p.endpoint, secret: p.secret })}\n`);
  } else {
    io.stderr.write(`registered ${describe(p.endpoint)}\n`);
    io.stderr.write('signing secret (shown this once; verify deliveries with it, e.g. the standardwebhooks package):\n');
    io.stdout.write(`${p.secret}\n`);
  }
  return ExitCode.OK;
}

export async function listWebhooks(gateway: Gateway, io: Io, json: boolean): Promise<ExitCode> {
  const { webhookEndpoints } = await gateway.request(WebhookEndpointsDocument, {});
  if (json) {
    for (const e of webhookEndpoints) io.stdout.write(`${JSON.stringify({ type: 'webhookEndpoint', endpoint: e })}\n`);
    return ExitCode.OK;
  }
  if (webhookEndpoints.length === 0) io.stderr.write('no webhook endpoints; add one with: cinegraph add-webhook <https-url>\n');
  for (const e of webhookEndpoints) io.stdout.write(`${describe(e)}\n`);
  return ExitCode.OK;
}
