/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Frame shape of the video (width:height). */
export type AspectRatio =
  /** Square. */
  | 'RATIO_1_1'
  /** Portrait 3:4. */
  | 'RATIO_3_4'
  /** Landscape 4:3. */
  | 'RATIO_4_3'
  /** Portrait 9:16, for phones. */
  | 'RATIO_9_16'
  /** Landscape 16:9 (the default). */
  | 'RATIO_16_9';

/** A webhook endpoint to register. */
export type CreateWebhookEndpointInput = {
  /** The events to receive; default the three terminal ones (completed, failed, timed out). */
  events?: Array<WebhookEventType> | null | undefined;
  /** An https: URL whose host resolves to public addresses (loopback, private and link-local ones are refused, here and at every delivery, unless the gateway runs with WEBHOOK_ALLOW_PRIVATE=true). */
  url: string;
};

/** What to generate. Only `prompt` is required. */
export type GenerateVideoInput = {
  /** Frame shape. Default RATIO_16_9. */
  aspectRatio?: AspectRatio | null | undefined;
  /** Seconds: 5 (the default) or 8; P1080 allows only 5. */
  duration?: number | null | undefined;
  /** Set → image-to-video: the video starts from this image. Without it the video is made from the prompt alone (text-to-video). Left without `aspectRatio`, the video follows the image. */
  firstFrame?: ImageInput | null | undefined;
  /** Same key from the same client returns the same generation instead of paying for a new one (kept 24 hours; at most 255 characters). */
  idempotencyKey?: string | null | undefined;
  /** Set together with `firstFrame` → transition: the video moves from the first frame to this one. Alone it is refused (INVALID_INPUT). */
  lastFrame?: ImageInput | null | undefined;
  /** What the video should avoid: at most 2048 characters. */
  negativePrompt?: string | null | undefined;
  /** What the video shows: 1..2048 characters after trimming. */
  prompt: string;
  /** Default P720. */
  resolution?: VideoResolution | null | undefined;
  /** Random seed, 0..2147483647, for repeatable results. */
  seed?: number | null | undefined;
  /** A visual style; none by default. */
  style?: VideoStyle | null | undefined;
};

/** A frame: exactly one of `url` or `file`. PNG, JPEG and WebP are accepted; an upload may be at most MAX_IMAGE_BYTES (10 MB by default). */
export type ImageInput = {
  /** The image itself, uploaded with a GraphQL multipart request. Its type is checked by its content, not its name; it is kept by the gateway and sent to the provider as a base64 data URI. */
  file?: File | Blob | null | undefined;
  /** An https: URL of the image (http: only when the gateway allows it), at most 2048 characters. The provider fetches it; the gateway never does. */
  url?: string | null | undefined;
};

/** Why a mutation did not do what it was asked (`generateVideo`, the webhook mutations). */
export type UserErrorCode =
  /** The caller's spend limit (SPEND_LIMIT_PER_DAY credits per rolling 24 hours) is reached, or this generation's expected cost would pass it; nothing was sent to the provider. See `retryAfterSeconds` (null when one generation like this costs more than the whole limit). */
  | 'BUDGET_EXCEEDED'
  /** The idempotency key was already used with a different input. */
  | 'IDEMPOTENCY_CONFLICT'
  /** Rejected before reaching the provider; `field` names the input at fault. */
  | 'INVALID_INPUT'
  /** The provider or this gateway's limits said "later"; see `retryAfterSeconds`. */
  | 'RATE_LIMITED'
  /** The provider refused the request (a 4xx other than 401 and 429). */
  | 'UPSTREAM_REJECTED'
  /** The provider could not be reached or kept failing. */
  | 'UPSTREAM_UNAVAILABLE';

/** Where a generation is. Status never moves backwards; COMPLETED, FAILED and TIMED_OUT are terminal, with one exception: a TIMED_OUT generation that the provider completes after all (checked for LATE_RESULT_WINDOW_MS, 24 h by default) moves to COMPLETED, recorded in `transitions`. */
export type VideoGenerationStatus =
  /** Done: `video` is set. */
  | 'COMPLETED'
  /** The provider reported a failure: `error` is set. */
  | 'FAILED'
  /** The provider is rendering the video. */
  | 'GENERATING'
  /** Accepted by the provider, waiting to start. */
  | 'QUEUED'
  /** A read after the gateway's generation timeout still showed it in progress (error code TIMED_OUT), or the provider could not be reached until GENERATION_GIVE_UP_MS (error code PROVIDER_UNREACHABLE): `error` is set. It may still become COMPLETED if the provider finishes it late. */
  | 'TIMED_OUT';

/** Which PixVerse v5 model makes the video; chosen by the frames given. */
export type VideoModel =
  /** Animates `firstFrame`. */
  | 'IMAGE_TO_VIDEO'
  /** From the prompt alone (no frames). */
  | 'TEXT_TO_VIDEO'
  /** Moves from `firstFrame` to `lastFrame`. */
  | 'TRANSITION';

/** Vertical resolution of the video. */
export type VideoResolution =
  /** 360p. */
  | 'P360'
  /** 540p. */
  | 'P540'
  /** 720p (the default). */
  | 'P720'
  /** 1080p; only 5-second videos. */
  | 'P1080';

/** A visual style applied by the model. */
export type VideoStyle =
  /** Anime. */
  | 'ANIME'
  /** Claymation. */
  | 'CLAY'
  /** Comic book. */
  | 'COMIC'
  /** Cyberpunk. */
  | 'CYBERPUNK'
  /** 3D animation. */
  | 'THREE_D_ANIMATION';

/** How the caller signed in. */
export type ViewerKind =
  /** The gateway runs open (no GATEWAY_TOKENS, no JWT verification): every caller is this one. */
  | 'ANONYMOUS'
  /** A service, with a GATEWAY_TOKENS token. */
  | 'SERVICE'
  /** An end user, with a JSON Web Token from the configured issuer. */
  | 'USER';

/** An event a webhook endpoint can hear; the body's `type` names it (e.g. "video_generation.completed"). */
export type WebhookEventType =
  /** A generation completed: `data.video` is set. */
  | 'VIDEO_GENERATION_COMPLETED'
  /** A generation failed: `data.error` is set. */
  | 'VIDEO_GENERATION_FAILED'
  /** Every status transition, terminal ones included (a terminal transition also sends its own event). */
  | 'VIDEO_GENERATION_STATUS_CHANGED'
  /** A generation timed out: `data.error` is set. */
  | 'VIDEO_GENERATION_TIMED_OUT';

export type FollowGenerationSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type FollowGenerationSubscription = { videoGenerationUpdates: { id: string, status: VideoGenerationStatus, providerStatus: string, prompt: string, negativePrompt: string | null, aspectRatio: AspectRatio, resolution: VideoResolution, duration: number, style: VideoStyle | null, seed: number | null, model: VideoModel, progress: number, estimatedCompletionAt: string | null, createdAt: string, updatedAt: string, completedAt: string | null, firstFrame: { url: string, contentType: string | null, byteSize: number | null } | null, lastFrame: { url: string, contentType: string | null, byteSize: number | null } | null, video: { url: string, contentType: string | null, fileSize: number | null } | null, error: { code: string, message: string } | null, usage: { credits: number | null, tokens: number | null, usd: number | null } | null, transitions: Array<{ status: VideoGenerationStatus, providerStatus: string, at: string }> } };

export type GenerationFieldsFragment = { id: string, status: VideoGenerationStatus, providerStatus: string, prompt: string, negativePrompt: string | null, aspectRatio: AspectRatio, resolution: VideoResolution, duration: number, style: VideoStyle | null, seed: number | null, model: VideoModel, progress: number, estimatedCompletionAt: string | null, createdAt: string, updatedAt: string, completedAt: string | null, firstFrame: { url: string, contentType: string | null, byteSize: number | null } | null, lastFrame: { url: string, contentType: string | null, byteSize: number | null } | null, video: { url: string, contentType: string | null, fileSize: number | null } | null, error: { code: string, message: string } | null, usage: { credits: number | null, tokens: number | null, usd: number | null } | null, transitions: Array<{ status: VideoGenerationStatus, providerStatus: string, at: string }> };

export type ImageFieldsFragment = { url: string, contentType: string | null, byteSize: number | null };

export type GenerationSummaryFragment = { id: string, status: VideoGenerationStatus, prompt: string, resolution: VideoResolution, duration: number, aspectRatio: AspectRatio, style: VideoStyle | null, createdAt: string, completedAt: string | null, video: { url: string } | null, usage: { credits: number | null, tokens: number | null, usd: number | null } | null };

export type UsageFieldsFragment = { credits: number | null, tokens: number | null, usd: number | null };

export type GenerationHistoryQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  status?: Array<VideoGenerationStatus> | VideoGenerationStatus | null | undefined;
}>;


export type GenerationHistoryQuery = { videoGenerations: { edges: Array<{ cursor: string, node: { id: string, status: VideoGenerationStatus, prompt: string, resolution: VideoResolution, duration: number, aspectRatio: AspectRatio, style: VideoStyle | null, createdAt: string, completedAt: string | null, video: { url: string } | null, usage: { credits: number | null, tokens: number | null, usd: number | null } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ReadGenerationQueryVariables = Exact<{
  id: string | number;
}>;


export type ReadGenerationQuery = { videoGeneration: { id: string, status: VideoGenerationStatus, providerStatus: string, prompt: string, negativePrompt: string | null, aspectRatio: AspectRatio, resolution: VideoResolution, duration: number, style: VideoStyle | null, seed: number | null, model: VideoModel, progress: number, estimatedCompletionAt: string | null, createdAt: string, updatedAt: string, completedAt: string | null, firstFrame: { url: string, contentType: string | null, byteSize: number | null } | null, lastFrame: { url: string, contentType: string | null, byteSize: number | null } | null, video: { url: string, contentType: string | null, fileSize: number | null } | null, error: { code: string, message: string } | null, usage: { credits: number | null, tokens: number | null, usd: number | null } | null, transitions: Array<{ status: VideoGenerationStatus, providerStatus: string, at: string }> } | null };

export type StartGenerationMutationVariables = Exact<{
  input: GenerateVideoInput;
}>;


export type StartGenerationMutation = { generateVideo: { generation: { id: string, status: VideoGenerationStatus, providerStatus: string, prompt: string, negativePrompt: string | null, aspectRatio: AspectRatio, resolution: VideoResolution, duration: number, style: VideoStyle | null, seed: number | null, model: VideoModel, progress: number, estimatedCompletionAt: string | null, createdAt: string, updatedAt: string, completedAt: string | null, firstFrame: { url: string, contentType: string | null, byteSize: number | null } | null, lastFrame: { url: string, contentType: string | null, byteSize: number | null } | null, video: { url: string, contentType: string | null, fileSize: number | null } | null, error: { code: string, message: string } | null, usage: { credits: number | null, tokens: number | null, usd: number | null } | null, transitions: Array<{ status: VideoGenerationStatus, providerStatus: string, at: string }> } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null, retryAfterSeconds: number | null }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { id: string, kind: ViewerKind, activeGenerations: number, spentLast24h: number, limits: { maxActiveGenerations: number, generatesPerMinute: number, spendPerDay: number | null } } };

export type WebhookEndpointFieldsFragment = { id: string, url: string, events: Array<WebhookEventType>, createdAt: string, disabledAt: string | null };

export type CreateWebhookEndpointMutationVariables = Exact<{
  input: CreateWebhookEndpointInput;
}>;


export type CreateWebhookEndpointMutation = { createWebhookEndpoint: { secret: string | null, endpoint: { id: string, url: string, events: Array<WebhookEventType>, createdAt: string, disabledAt: string | null } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null, retryAfterSeconds: number | null }> } };

export type WebhookEndpointsQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhookEndpointsQuery = { webhookEndpoints: Array<{ id: string, url: string, events: Array<WebhookEventType>, createdAt: string, disabledAt: string | null }> };

export const ImageFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}}]} as unknown as DocumentNode<ImageFieldsFragment, unknown>;
export const UsageFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UsageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Usage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"usd"}}]}}]} as unknown as DocumentNode<UsageFieldsFragment, unknown>;
export const GenerationFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"firstFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCompletionAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"usage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UsageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UsageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Usage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"usd"}}]}}]} as unknown as DocumentNode<GenerationFieldsFragment, unknown>;
export const GenerationSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"usage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UsageFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UsageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Usage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"usd"}}]}}]} as unknown as DocumentNode<GenerationSummaryFragment, unknown>;
export const WebhookEndpointFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebhookEndpointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookEndpoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"events"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]} as unknown as DocumentNode<WebhookEndpointFieldsFragment, unknown>;
export const FollowGenerationDocument = {"__meta__":{"hash":"sha256:46deff15028c1b205fa587f8b16578610c676c3b9abf46ab1bec49b6f093ec87"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"FollowGeneration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"videoGenerationUpdates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UsageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Usage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"usd"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"firstFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCompletionAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"usage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UsageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<FollowGenerationSubscription, FollowGenerationSubscriptionVariables>;
export const GenerationHistoryDocument = {"__meta__":{"hash":"sha256:f65b42cb985cefd8ce6409395a2e01945c3db97aa5d4ffd561698fb431b9f50e"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GenerationHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGenerationStatus"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"videoGenerations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationSummary"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UsageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Usage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"usd"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"usage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UsageFields"}}]}}]}}]} as unknown as DocumentNode<GenerationHistoryQuery, GenerationHistoryQueryVariables>;
export const ReadGenerationDocument = {"__meta__":{"hash":"sha256:f91978edee9474adbdd71746ef4619b28886e5d8c7c074c02d3a9fd709912a07"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReadGeneration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"videoGeneration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UsageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Usage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"usd"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"firstFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCompletionAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"usage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UsageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<ReadGenerationQuery, ReadGenerationQueryVariables>;
export const StartGenerationDocument = {"__meta__":{"hash":"sha256:30743a998eee1600248f8d1b4a112385a4a90a26b1a28c788b565996fd89d929"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartGeneration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateVideoInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generateVideo"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UsageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Usage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"credits"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"}},{"kind":"Field","name":{"kind":"Name","value":"usd"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"firstFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCompletionAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"usage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"UsageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<StartGenerationMutation, StartGenerationMutationVariables>;
export const ViewerDocument = {"__meta__":{"hash":"sha256:a1a7c1b8223dc6385aa27b3dfed0ed223d5a2299cae5267193f11f8ec07aceec"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"activeGenerations"}},{"kind":"Field","name":{"kind":"Name","value":"spentLast24h"}},{"kind":"Field","name":{"kind":"Name","value":"limits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxActiveGenerations"}},{"kind":"Field","name":{"kind":"Name","value":"generatesPerMinute"}},{"kind":"Field","name":{"kind":"Name","value":"spendPerDay"}}]}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const CreateWebhookEndpointDocument = {"__meta__":{"hash":"sha256:642f778b59d44f729652cf94911365f77169c7dcb08ebc78cfd5e9c713ee237c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateWebhookEndpoint"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWebhookEndpointInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createWebhookEndpoint"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endpoint"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebhookEndpointFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebhookEndpointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookEndpoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"events"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]} as unknown as DocumentNode<CreateWebhookEndpointMutation, CreateWebhookEndpointMutationVariables>;
export const WebhookEndpointsDocument = {"__meta__":{"hash":"sha256:5ddec252160c6b47efceee38550d4e63d98b5bbc5c0626081d09e075165f0e2d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebhookEndpoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookEndpoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebhookEndpointFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebhookEndpointFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"WebhookEndpoint"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"events"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]} as unknown as DocumentNode<WebhookEndpointsQuery, WebhookEndpointsQueryVariables>;