import { GraphQLError } from 'graphql';
import type { UserErrorData } from '../domain/errors.js';
import { estimatedCompletionAt, generationProgress } from '../domain/progress.js';
import type { PagePosition } from '../domain/ports.js';
import { isTerminal, modelOf, type Generation, type GenerationFailure, type StatusTransition, type VideoFile } from '../domain/generation.js';
import { builder } from './builder.js';
import {
  AspectRatioEnum,
  UserErrorCodeEnum,
  VideoGenerationStatusEnum,
  VideoResolutionEnum,
  VideoStyleEnum,
} from './enums.js';
import { untilExpiry } from './expiry.js';
import { DateTime } from './scalars.js';
import { NodeRef } from './node.js';
import { ImageInputRef, ImageRef, VideoModelEnum } from './images.js';

export const VideoRef = builder.objectRef<VideoFile>('Video').implement({
  description: 'A finished video file.',
  fields: (t) => ({
    url: t.string({
      description:
        "Where to fetch the video. With archiving on (the default), the gateway's own URL, stable from the first COMPLETED event on: it redirects to the provider's URL until the gateway holds its copy, then serves the copy (with HTTP Range), so a saved URL keeps working after the provider's copy expires. With ARCHIVE_VIDEOS=false, the provider's URL (which may expire).",
      resolve: (v, _args, ctx) => {
        const slot = v.archiveName ?? v.archivedFile;
        return slot ? `${ctx.publicUrl()}/videos/${slot}` : v.url;
      },
    }),
    providerUrl: t.string({
      nullable: true,
      description: "The provider's own URL for the video (it may expire).",
      // Until the copy exists `url` in the store is still the provider's.
      resolve: (v) => v.providerUrl ?? v.url,
    }),
    archived: t.boolean({
      description: 'True once the gateway holds its own copy of the video.',
      resolve: (v) => Boolean(v.archivedFile),
    }),
    contentType: t.exposeString('contentType', { nullable: true, description: 'MIME type, e.g. video/mp4.' }),
    fileName: t.exposeString('fileName', { nullable: true, description: 'File name suggested by the provider.' }),
    fileSize: t.int({
      nullable: true,
      description: 'Size in bytes, when known (null above 2^31-1, which GraphQL Int cannot carry).',
      resolve: (v) => (v.fileSize !== null && Number.isSafeInteger(Math.round(v.fileSize)) && v.fileSize <= 2_147_483_647 ? Math.round(v.fileSize) : null),
    }),
  }),
});

export const GenerationErrorRef = builder.objectRef<GenerationFailure>('GenerationError').implement({
  description: 'Why a generation ended without a video.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description: "A short machine-readable code: the provider's error name, or TIMED_OUT, PROVIDER_UNREACHABLE, NO_VIDEO, NOT_FOUND.",
    }),
    message: t.exposeString('message', { description: 'A human-readable explanation.' }),
  }),
});

export const StatusTransitionRef = builder.objectRef<StatusTransition>('StatusTransition').implement({
  description: 'One status a generation was seen in, and when.',
  fields: (t) => ({
    status: t.field({ type: VideoGenerationStatusEnum, description: 'The status entered.', resolve: (s) => s.status }),
    providerStatus: t.exposeString('providerStatus', { description: "The provider's own status word at that moment." }),
    at: t.field({ type: DateTime, description: 'When the gateway saw it.', resolve: (s) => s.at }),
  }),
});

export const VideoGenerationRef = builder.objectRef<Generation>('VideoGeneration').implement({
  // Relay's Node: its id, the provider's, is the global id node(id:) takes (node.ts).
  interfaces: [NodeRef],
  description: 'One video generation (text-to-video, image-to-video or transition), from request to finished video.',
  fields: (t) => ({
    id: t.exposeID('id', { description: "The provider's generation id, unchanged (it may contain ':' and '/')." }),
    status: t.field({ type: VideoGenerationStatusEnum, description: 'Where the generation is.', resolve: (g) => g.status }),
    providerStatus: t.exposeString('providerStatus', { description: "The provider's own status word, as last seen." }),
    prompt: t.string({
      description: 'The prompt, trimmed. Empty for a generation the gateway did not create (looked up by id).',
      resolve: (g) => g.input.prompt,
    }),
    negativePrompt: t.string({ nullable: true, description: 'What the video should avoid.', resolve: (g) => g.input.negativePrompt }),
    aspectRatio: t.field({ type: AspectRatioEnum, description: 'Frame shape.', resolve: (g) => g.input.aspectRatio }),
    resolution: t.field({ type: VideoResolutionEnum, description: 'Vertical resolution.', resolve: (g) => g.input.resolution }),
    duration: t.int({ description: 'Length of the video in seconds (5 or 8).', resolve: (g) => g.input.duration }),
    style: t.field({ type: VideoStyleEnum, nullable: true, description: 'Visual style, if any.', resolve: (g) => g.input.style }),
    seed: t.int({ nullable: true, description: 'Random seed, if one was given.', resolve: (g) => g.input.seed }),
    model: t.field({
      type: VideoModelEnum,
      description: 'Which model makes the video: TEXT_TO_VIDEO without frames, IMAGE_TO_VIDEO with a first frame, TRANSITION with both.',
      resolve: (g) => modelOf(g.input),
    }),
    firstFrame: t.field({
      type: ImageRef,
      nullable: true,
      description: 'The frame the video starts from (IMAGE_TO_VIDEO and TRANSITION).',
      resolve: (g) => g.input.firstFrame ?? null,
    }),
    lastFrame: t.field({
      type: ImageRef,
      nullable: true,
      description: 'The frame the video ends on (TRANSITION).',
      resolve: (g) => g.input.lastFrame ?? null,
    }),
    video: t.field({
      type: VideoRef,
      nullable: true,
      description: 'Set once status is COMPLETED.',
      resolve: (g) => (g.status === 'COMPLETED' ? g.video : null),
    }),
    error: t.field({
      type: GenerationErrorRef,
      nullable: true,
      description: 'Set once status is FAILED or TIMED_OUT.',
      resolve: (g) => (g.status === 'FAILED' || g.status === 'TIMED_OUT' ? g.error : null),
    }),
    progress: t.float({
      description:
        '0..1, never goes backwards, 1 exactly when COMPLETED; estimated from elapsed time and past generations.',
      resolve: (g, _args, ctx) => generationProgress(g, ctx.now()),
    }),
    estimatedCompletionAt: t.field({
      type: DateTime,
      nullable: true,
      description: 'When the video is expected, while the generation is pending; null once it has ended.',
      resolve: (g, _args, ctx) => estimatedCompletionAt(g, ctx.now()),
    }),
    createdAt: t.field({ type: DateTime, description: 'When the gateway started the generation.', resolve: (g) => g.createdAt }),
    updatedAt: t.field({ type: DateTime, description: 'When anything about it last changed.', resolve: (g) => g.updatedAt }),
    completedAt: t.field({
      type: DateTime,
      nullable: true,
      description: 'When it reached a terminal status.',
      resolve: (g) => g.completedAt,
    }),
    transitions: t.field({
      type: [StatusTransitionRef],
      description: 'Every status this generation has been seen in, oldest first.',
      resolve: (g) => g.transitions,
    }),
  }),
});

export const UserErrorRef = builder.objectRef<UserErrorData>('UserError').implement({
  description: 'A reason the request was not carried out, that the caller can act on.',
  fields: (t) => ({
    code: t.field({ type: UserErrorCodeEnum, description: 'What kind of problem.', resolve: (e) => e.code }),
    message: t.exposeString('message', { description: 'A human-readable explanation.' }),
    field: t.exposeStringList('field', {
      nullable: true,
      description: 'Path to the input field at fault, e.g. ["input", "duration"].',
    }),
    retryAfterSeconds: t.int({
      nullable: true,
      description: 'For RATE_LIMITED, BUDGET_EXCEEDED (and some UPSTREAM_UNAVAILABLE): seconds to wait before retrying.',
      resolve: (e) => (e.retryAfterMs != null ? Math.max(1, Math.ceil(e.retryAfterMs / 1000)) : null),
    }),
  }),
});

interface PayloadShape {
  generation: Generation | null;
  userErrors: UserErrorData[];
}

const GenerateVideoPayloadRef = builder.objectRef<PayloadShape>('GenerateVideoPayload').implement({
  description: 'The result of `generateVideo`: a generation, or the reasons there is none.',
  fields: (t) => ({
    generation: t.field({
      type: VideoGenerationRef,
      nullable: true,
      description: 'The generation started (or the one an idempotency key already started); null when userErrors is not empty.',
      resolve: (p) => p.generation,
    }),
    userErrors: t.field({ type: [UserErrorRef], description: 'Empty on success.', resolve: (p) => p.userErrors }),
  }),
});

const GenerateVideoInput = builder.inputType('GenerateVideoInput', {
  description: 'What to generate. Only `prompt` is required.',
  fields: (t) => ({
    prompt: t.string({ required: true, description: 'What the video shows: 1..2048 characters after trimming.' }),
    negativePrompt: t.string({ description: 'What the video should avoid: at most 2048 characters.' }),
    aspectRatio: t.field({ type: AspectRatioEnum, description: 'Frame shape. Default RATIO_16_9.' }),
    resolution: t.field({ type: VideoResolutionEnum, description: 'Default P720.' }),
    duration: t.int({ description: 'Seconds: 5 (the default) or 8; P1080 allows only 5.' }),
    style: t.field({ type: VideoStyleEnum, description: 'A visual style; none by default.' }),
    seed: t.int({ description: 'Random seed, 0..2147483647, for repeatable results.' }),
    firstFrame: t.field({
      type: ImageInputRef,
      description:
        'Set → image-to-video: the video starts from this image. Without it the video is made from the prompt alone (text-to-video). Left without `aspectRatio`, the video follows the image.',
    }),
    lastFrame: t.field({
      type: ImageInputRef,
      description: 'Set together with `firstFrame` → transition: the video moves from the first frame to this one. Alone it is refused (INVALID_INPUT).',
    }),
    idempotencyKey: t.string({
      description:
        'Same key from the same client returns the same generation instead of paying for a new one (kept 24 hours; at most 255 characters).',
    }),
  }),
});

builder.queryType({
  description: 'Reading generations.',
  fields: (t) => ({
    videoGeneration: t.field({
      type: VideoGenerationRef,
      nullable: true,
      description: 'null when no generation with this id exists (or it belongs to another client)',
      args: { id: t.arg.id({ required: true, description: "The provider's generation id." }) },
      resolve: async (_root, args, ctx) => {
        const id = String(args.id);
        const gen = await ctx.service.get(ctx.client, id);
        // Noted for the answer cache (server/answers.ts): a finished generation's answer can be
        // reused for as long as the store hands out this very object.
        if (gen && isTerminal(gen.status)) (ctx.finishedReads ??= []).push({ id, gen });
        else ctx.answer = 'live';
        return gen;
      },
    }),
  }),
});

builder.mutationType({
  description: 'Starting generations.',
  fields: (t) => ({
    generateVideo: t.field({
      type: GenerateVideoPayloadRef,
      description:
        'Starts a generation: text-to-video, or image-to-video with `firstFrame`, or a transition with `firstFrame` and `lastFrame` (uploads go in a GraphQL multipart request). Follow it with `videoGenerationUpdates`.',
      args: { input: t.arg({ type: GenerateVideoInput, required: true }) },
      resolve: (_root, { input }, ctx) => ctx.service.create(ctx.client, input, { requestId: ctx.requestId }),
    }),
  }),
});

builder.subscriptionType({
  description: 'Following generations live.',
  fields: (t) => ({
    videoGenerationUpdates: t.field({
      type: VideoGenerationRef,
      description:
        'Emits the current state at once, then the state after every status transition; completes after a terminal status.',
      args: { id: t.arg.id({ required: true, description: "The provider's generation id." }) },
      subscribe: (_root, args, ctx) => {
        const updates = ctx.service.watch(ctx.client, String(args.id), ctx.transport);
        // A WebSocket is closed at its token's expiry; any other stream ends there (expiry.ts).
        return ctx.transport !== 'ws' && ctx.viewer.expiresAt !== null ? untilExpiry(updates, ctx.viewer.expiresAt) : updates;
      },
      resolve: (gen) => gen,
    }),
  }),
});

/** Cursors are opaque to clients; inside they are a position in the newest-first order. */
export function encodeCursor(pos: PagePosition): string {
  return Buffer.from(JSON.stringify([pos.createdAt, pos.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): PagePosition {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string') {
      return { createdAt: v[0], id: v[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError('`after` is not a cursor this API issued', { extensions: { code: 'BAD_USER_INPUT' } });
}
