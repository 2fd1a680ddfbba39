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

/** Why `generateVideo` did not start a generation. */
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

export type FollowGenerationSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type FollowGenerationSubscription = { videoGenerationUpdates: { id: string, status: VideoGenerationStatus, providerStatus: string, prompt: string, negativePrompt: string | null, aspectRatio: AspectRatio, resolution: VideoResolution, duration: number, style: VideoStyle | null, seed: number | null, model: VideoModel, progress: number, estimatedCompletionAt: string | null, createdAt: string, updatedAt: string, completedAt: string | null, firstFrame: { url: string, contentType: string | null, byteSize: number | null } | null, lastFrame: { url: string, contentType: string | null, byteSize: number | null } | null, video: { url: string, contentType: string | null, fileSize: number | null } | null, error: { code: string, message: string } | null, transitions: Array<{ status: VideoGenerationStatus, providerStatus: string, at: string }> } };

export type GenerationFieldsFragment = { id: string, status: VideoGenerationStatus, providerStatus: string, prompt: string, negativePrompt: string | null, aspectRatio: AspectRatio, resolution: VideoResolution, duration: number, style: VideoStyle | null, seed: number | null, model: VideoModel, progress: number, estimatedCompletionAt: string | null, createdAt: string, updatedAt: string, completedAt: string | null, firstFrame: { url: string, contentType: string | null, byteSize: number | null } | null, lastFrame: { url: string, contentType: string | null, byteSize: number | null } | null, video: { url: string, contentType: string | null, fileSize: number | null } | null, error: { code: string, message: string } | null, transitions: Array<{ status: VideoGenerationStatus, providerStatus: string, at: string }> };

export type ImageFieldsFragment = { url: string, contentType: string | null, byteSize: number | null };

export type GenerationSummaryFragment = { id: string, status: VideoGenerationStatus, prompt: string, resolution: VideoResolution, duration: number, aspectRatio: AspectRatio, style: VideoStyle | null, createdAt: string, completedAt: string | null, video: { url: string } | null };

export type GenerationHistoryQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  status?: Array<VideoGenerationStatus> | VideoGenerationStatus | null | undefined;
}>;


export type GenerationHistoryQuery = { videoGenerations: { edges: Array<{ cursor: string, node: { id: string, status: VideoGenerationStatus, prompt: string, resolution: VideoResolution, duration: number, aspectRatio: AspectRatio, style: VideoStyle | null, createdAt: string, completedAt: string | null, video: { url: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ReadGenerationQueryVariables = Exact<{
  id: string | number;
}>;


export type ReadGenerationQuery = { videoGeneration: { id: string, status: VideoGenerationStatus, providerStatus: string, prompt: string, negativePrompt: string | null, aspectRatio: AspectRatio, resolution: VideoResolution, duration: number, style: VideoStyle | null, seed: number | null, model: VideoModel, progress: number, estimatedCompletionAt: string | null, createdAt: string, updatedAt: string, completedAt: string | null, firstFrame: { url: string, contentType: string | null, byteSize: number | null } | null, lastFrame: { url: string, contentType: string | null, byteSize: number | null } | null, video: { url: string, contentType: string | null, fileSize: number | null } | null, error: { code: string, message: string } | null, transitions: Array<{ status: VideoGenerationStatus, providerStatus: string, at: string }> } | null };

export type StartGenerationMutationVariables = Exact<{
  input: GenerateVideoInput;
}>;


export type StartGenerationMutation = { generateVideo: { generation: { id: string, status: VideoGenerationStatus, providerStatus: string, prompt: string, negativePrompt: string | null, aspectRatio: AspectRatio, resolution: VideoResolution, duration: number, style: VideoStyle | null, seed: number | null, model: VideoModel, progress: number, estimatedCompletionAt: string | null, createdAt: string, updatedAt: string, completedAt: string | null, firstFrame: { url: string, contentType: string | null, byteSize: number | null } | null, lastFrame: { url: string, contentType: string | null, byteSize: number | null } | null, video: { url: string, contentType: string | null, fileSize: number | null } | null, error: { code: string, message: string } | null, transitions: Array<{ status: VideoGenerationStatus, providerStatus: string, at: string }> } | null, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null, retryAfterSeconds: number | null }> } };

export const ImageFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}}]} as unknown as DocumentNode<ImageFieldsFragment, unknown>;
export const GenerationFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"firstFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCompletionAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}}]} as unknown as DocumentNode<GenerationFieldsFragment, unknown>;
export const GenerationSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]} as unknown as DocumentNode<GenerationSummaryFragment, unknown>;
export const FollowGenerationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"FollowGeneration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"videoGenerationUpdates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"firstFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCompletionAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<FollowGenerationSubscription, FollowGenerationSubscriptionVariables>;
export const GenerationHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GenerationHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGenerationStatus"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"videoGenerations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationSummary"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]} as unknown as DocumentNode<GenerationHistoryQuery, GenerationHistoryQueryVariables>;
export const ReadGenerationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReadGeneration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"videoGeneration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"firstFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCompletionAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<ReadGenerationQuery, ReadGenerationQueryVariables>;
export const StartGenerationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartGeneration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateVideoInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generateVideo"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfterSeconds"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"VideoGeneration"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"aspectRatio"}},{"kind":"Field","name":{"kind":"Name","value":"resolution"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"style"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"firstFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lastFrame"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedCompletionAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"video"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"fileSize"}}]}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"transitions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}}]}}]} as unknown as DocumentNode<StartGenerationMutation, StartGenerationMutationVariables>;