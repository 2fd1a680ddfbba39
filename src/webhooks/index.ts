/** Webhooks: what the rest of the gateway uses of them. */
export { checkWebhookUrl, isBlockedAddress, guardedLookup, systemResolver, UnsafeWebhookUrl, type Resolver } from './address.js';
export { EndpointCache, eventTargetInvalidations, type EndpointInvalidations } from './endpoint-cache.js';
export { webhookBody, type WebhookBody } from './payload.js';
export { DEFAULT_RETRY_SCHEDULE_MS, retryDelay } from './schedule.js';
export { keyFromText, loadOrCreateKeyFile, newSigningSecret, SecretBox, SecretUnavailable } from './secrets.js';
export { postWebhook, type SendResult } from './sender.js';
export { MAX_ENDPOINTS_PER_CLIENT, WebhookService, type CreateEndpointResult, type WebhookServiceOptions } from './service.js';
export { DeliveryWorker, type AttemptReport, type DeliveryWorkerOptions } from './worker.js';
export { createWebhooks, type Webhooks, type WebhooksOptions } from './setup.js';
