/**
 * Webhooks in the schema (README: Webhooks): endpoints a client registers for its generations'
 * events, and the deliveries to them. Everything is scoped to the calling client: another
 * client's endpoint or delivery answers exactly like an unknown id.
 */
import { GraphQLError } from 'graphql';
import { ServiceError } from '../domain/errors.js';
import type { WebhookDelivery, WebhookEndpoint, WebhookEventType } from '../domain/webhooks.js';
import type { WebhookService } from '../webhooks/service.js';
import { builder, type GatewayContext } from './builder.js';
import { decodeCursor, encodeCursor, UserErrorRef } from './generation.js';
import { PageInfoRef, type PagedPositions } from './history.js';
import { DateTime } from './scalars.js';
import type { UserErrorData } from '../domain/errors.js';

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

function webhooksOf(ctx: GatewayContext): WebhookService {
  if (!ctx.webhooks) throw new ServiceError('NOT_FOUND', 'Webhooks are not available on this gateway');
  return ctx.webhooks;
}

export const WebhookEventTypeEnum = builder.enumType('WebhookEventType', {
  description: 'An event a webhook endpoint can hear; the body\'s `type` names it (e.g. "video_generation.completed").',
  values: {
    VIDEO_GENERATION_COMPLETED: { value: 'video_generation.completed', description: 'A generation completed: `data.video` is set.' },
    VIDEO_GENERATION_FAILED: { value: 'video_generation.failed', description: 'A generation failed: `data.error` is set.' },
    VIDEO_GENERATION_TIMED_OUT: { value: 'video_generation.timed_out', description: 'A generation timed out: `data.error` is set.' },
    VIDEO_GENERATION_STATUS_CHANGED: {
      value: 'video_generation.status_changed',
      description: 'Every status transition, terminal ones included (a terminal transition also sends its own event).',
    },
  } as const,
});

export const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where a delivery is.',
  values: {
    PENDING: { description: 'Not delivered yet: an attempt is due at `nextAttemptAt`.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Attempts stopped: the retry schedule ran out, the endpoint answered 410 Gone, or it was disabled or deleted.' },
  } as const,
});

export const WebhookEndpointRef = builder.objectRef<WebhookEndpoint>('WebhookEndpoint').implement({
  description: "A URL that receives signed POSTs (Standard Webhooks) for the calling client's generations.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The endpoint id (`ep_…`).' }),
    url: t.exposeString('url', { description: 'Where deliveries are POSTed.' }),
    events: t.field({ type: [WebhookEventTypeEnum], description: 'The events it receives.', resolve: (e) => e.events }),
    createdAt: t.field({ type: DateTime, description: 'When it was registered.', resolve: (e) => e.createdAt }),
    disabledAt: t.field({
      type: DateTime,
      nullable: true,
      description: 'When it stopped receiving, because it answered 410 Gone; null while enabled.',
      resolve: (e) => e.disabledAt,
    }),
  }),
});

export const WebhookDeliveryRef = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
  description: 'One event sent (or to be sent) to one endpoint, with every attempt summed up.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The delivery id: the `webhook-id` header, the same on every attempt, for receivers to deduplicate.' }),
    eventType: t.field({ type: WebhookEventTypeEnum, description: 'The event delivered.', resolve: (d) => d.eventType }),
    generationId: t.exposeID('generationId', { description: 'The generation the event is about.' }),
    status: t.field({ type: WebhookDeliveryStatusEnum, description: 'Where the delivery is.', resolve: (d) => d.status }),
    attempts: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    lastStatusCode: t.exposeInt('lastStatusCode', { nullable: true, description: "The endpoint's HTTP status at the last attempt; null when it gave none." }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'What went wrong at the last attempt (a status, a timeout, a refused address).' }),
    nextAttemptAt: t.field({
      type: DateTime,
      nullable: true,
      description: 'When the next attempt is due, while PENDING.',
      resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
    }),
    deliveredAt: t.field({ type: DateTime, nullable: true, description: 'When the endpoint answered 2xx.', resolve: (d) => d.deliveredAt }),
    createdAt: t.field({ type: DateTime, description: 'When the event happened and the delivery was recorded.', resolve: (d) => d.createdAt }),
  }),
});

const WebhookDeliveryEdgeRef = builder.objectRef<WebhookDelivery>('WebhookDeliveryEdge').implement({
  description: 'One delivery in a page.',
  fields: (t) => ({
    cursor: t.string({ description: 'Stable position of this delivery.', resolve: (d) => encodeCursor(d) }),
    node: t.field({ type: WebhookDeliveryRef, description: 'The delivery.', resolve: (d) => d }),
  }),
});

interface DeliveryConnection extends PagedPositions {
  items: WebhookDelivery[];
}

const WebhookDeliveryConnectionRef = builder.objectRef<DeliveryConnection>('WebhookDeliveryConnection').implement({
  description: "A page of an endpoint's deliveries, newest first.",
  fields: (t) => ({
    edges: t.field({ type: [WebhookDeliveryEdgeRef], description: 'The deliveries of this page, with cursors.', resolve: (c) => c.items }),
    nodes: t.field({ type: [WebhookDeliveryRef], description: 'The deliveries of this page.', resolve: (c) => c.items }),
    pageInfo: t.field({ type: PageInfoRef, description: 'Paging state.', resolve: (c) => c }),
  }),
});

interface CreatePayload {
  endpoint: WebhookEndpoint | null;
  secret: string | null;
  userErrors: UserErrorData[];
}

const CreateWebhookEndpointPayloadRef = builder.objectRef<CreatePayload>('CreateWebhookEndpointPayload').implement({
  description: 'The result of `createWebhookEndpoint`.',
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointRef, nullable: true, description: 'The endpoint; null when userErrors is not empty.', resolve: (p) => p.endpoint }),
    secret: t.exposeString('secret', {
      nullable: true,
      description: 'whsec_…, shown once: the key receivers verify signatures with (Standard Webhooks). It cannot be read again.',
    }),
    userErrors: t.field({ type: [UserErrorRef], description: 'Empty on success.', resolve: (p) => p.userErrors }),
  }),
});

const DeleteWebhookEndpointPayloadRef = builder
  .objectRef<{ deletedEndpointId: string | null; userErrors: UserErrorData[] }>('DeleteWebhookEndpointPayload')
  .implement({
    description: 'The result of `deleteWebhookEndpoint`.',
    fields: (t) => ({
      deletedEndpointId: t.exposeID('deletedEndpointId', { nullable: true, description: 'The endpoint deleted, with its deliveries; null when userErrors is not empty.' }),
      userErrors: t.field({ type: [UserErrorRef], description: 'Empty on success.', resolve: (p) => p.userErrors }),
    }),
  });

const RedeliverWebhookPayloadRef = builder
  .objectRef<{ delivery: WebhookDelivery | null; userErrors: UserErrorData[] }>('RedeliverWebhookPayload')
  .implement({
    description: 'The result of `redeliverWebhook`.',
    fields: (t) => ({
      delivery: t.field({
        type: WebhookDeliveryRef,
        nullable: true,
        description: 'The delivery, PENDING again and due now (same id); null when userErrors is not empty.',
        resolve: (p) => p.delivery,
      }),
      userErrors: t.field({ type: [UserErrorRef], description: 'Empty on success.', resolve: (p) => p.userErrors }),
    }),
  });

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  description: 'A webhook endpoint to register.',
  fields: (t) => ({
    url: t.string({
      required: true,
      description:
        'An https: URL whose host resolves to public addresses (loopback, private and link-local ones are refused, here and at every delivery, unless the gateway runs with WEBHOOK_ALLOW_PRIVATE=true).',
    }),
    events: t.field({
      type: [WebhookEventTypeEnum],
      description: 'The events to receive; default the three terminal ones (completed, failed, timed out).',
    }),
  }),
});

builder.queryFields((t) => ({
  webhookEndpoints: t.field({
    type: [WebhookEndpointRef],
    description: "The calling client's webhook endpoints, oldest first.",
    resolve: (_root, _args, ctx) => webhooksOf(ctx).listEndpoints(ctx.client),
  }),
  webhookDeliveries: t.field({
    type: WebhookDeliveryConnectionRef,
    description: "An endpoint's deliveries, newest first, as a cursor connection. An unknown endpoint (or another client's) is NOT_FOUND.",
    args: {
      endpointId: t.arg.id({ required: true, description: 'The endpoint.' }),
      first: t.arg.int({ description: `Page size, 1..${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.` }),
      after: t.arg.string({ description: 'Return deliveries after this cursor (an `endCursor`).' }),
    },
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? DEFAULT_PAGE_SIZE;
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
        throw new GraphQLError(`\`first\` must be between 1 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const after = args.after ? decodeCursor(args.after) : null;
      const page = await webhooksOf(ctx).deliveries(ctx.client, String(args.endpointId), { first, after });
      return { items: page.items, hasNextPage: page.hasNextPage, hasPreviousPage: after !== null };
    },
  }),
}));

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: CreateWebhookEndpointPayloadRef,
    description: 'Registers an endpoint for your generations\' events. The answer holds its signing secret, shown this once.',
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      webhooksOf(ctx).createEndpoint(ctx.client, { url: input.url, events: (input.events ?? null) as WebhookEventType[] | null }),
  }),
  deleteWebhookEndpoint: t.field({
    type: DeleteWebhookEndpointPayloadRef,
    description: 'Deletes an endpoint and its deliveries; pending deliveries are not sent.',
    args: { id: t.arg.id({ required: true, description: 'The endpoint.' }) },
    resolve: (_root, args, ctx) => webhooksOf(ctx).deleteEndpoint(ctx.client, String(args.id)),
  }),
  redeliverWebhook: t.field({
    type: RedeliverWebhookPayloadRef,
    description: 'Sends a delivery again now, with the same `webhook-id`, whatever its status; a new round of the retry schedule if it fails.',
    args: { deliveryId: t.arg.id({ required: true, description: 'The delivery.' }) },
    resolve: (_root, args, ctx) => webhooksOf(ctx).redeliver(ctx.client, String(args.deliveryId)),
  }),
}));
