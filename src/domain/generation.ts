/**
 * The domain model of a video generation, independent of GraphQL and of the provider's wire
 * format. Times are epoch milliseconds; the schema turns them into ISO-8601 strings.
 */

export const ASPECT_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const RESOLUTIONS = ['360p', '540p', '720p', '1080p'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const DURATIONS = [5, 8] as const;
export type Duration = (typeof DURATIONS)[number];

export const STYLES = ['anime', '3d_animation', 'clay', 'comic', 'cyberpunk'] as const;
export type Style = (typeof STYLES)[number];

export const STATUSES = ['QUEUED', 'GENERATING', 'COMPLETED', 'FAILED', 'TIMED_OUT'] as const;
export type GenerationStatus = (typeof STATUSES)[number];

/** The PixVerse v5 models, in the gateway's words; src/provider/wire.ts maps them to the provider's ids. */
export const VIDEO_MODELS = ['text-to-video', 'image-to-video', 'transition'] as const;
export type VideoModel = (typeof VIDEO_MODELS)[number];

/** Image types the provider takes safely, recognised by their magic bytes. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type ImageContentType = (typeof IMAGE_TYPES)[number];

/**
 * A frame the caller gave: a URL the provider fetches itself (the gateway never does), or an
 * uploaded file the gateway checked and stored under an unguessable name.
 */
export type FrameImage =
  | { source: 'url'; url: string }
  | {
      source: 'file';
      /** The stored file's name (served at /images/<name>). */
      name: string;
      contentType: ImageContentType;
      byteSize: number;
      width: number;
      height: number;
      /** SHA-256 of the bytes, hex: the same bytes are the same input. */
      sha256: string;
    };

export const MAX_PROMPT_LENGTH = 2048;
export const MAX_SEED = 2_147_483_647;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** A validated request, in the provider's vocabulary. */
export interface GenerationInput {
  prompt: string;
  negativePrompt: string | null;
  aspectRatio: AspectRatio;
  resolution: Resolution;
  duration: Duration;
  style: Style | null;
  seed: number | null;
  /** Which model; absent on inputs saved before the image models existed, which are text-to-video. */
  model?: VideoModel;
  /** The first frame (image-to-video and transition). */
  firstFrame?: FrameImage | null;
  /** The last frame (transition). */
  lastFrame?: FrameImage | null;
  /**
   * False when the caller left the aspect ratio out of an image-to-video request: the video then
   * follows the image's shape and `aspectRatio` is not sent. Absent means given (or defaulted).
   */
  aspectRatioGiven?: boolean;
}

/** The model an input asks for. */
export function modelOf(input: GenerationInput): VideoModel {
  return input.model ?? 'text-to-video';
}

export interface VideoFile {
  url: string;
  contentType: string | null;
  fileName: string | null;
  fileSize: number | null;
  /** The provider's own URL, kept when `url` points at the gateway's archived copy. */
  providerUrl?: string | null;
  /**
   * Name of the gateway's archived copy (an unguessable file name under DATA_DIR/videos), once
   * downloaded. The schema turns it into an absolute URL.
   */
  archivedFile?: string | null;
  /**
   * The name of this video's slot in the gateway's archive, given when it first completes, so
   * the gateway's URL for it never changes: until `archivedFile` is there it redirects to the
   * provider's URL, afterwards it serves the archived copy.
   */
  archiveName?: string | null;
}

export interface GenerationFailure {
  code: string;
  message: string;
}

export interface Usage {
  creditsUsed: number | null;
  tokensUsed: number | null;
  usdSpent: number | null;
}

export interface StatusTransition {
  status: GenerationStatus;
  providerStatus: string;
  at: number;
}

export interface Generation {
  /** The provider's generation id, unchanged (may contain `:` and `/`). */
  id: string;
  /** The client that created (or first looked up) this generation. */
  owner: string;
  input: GenerationInput;
  /** False when the gateway adopted an id it did not create, so the input is not known. */
  inputKnown: boolean;
  status: GenerationStatus;
  providerStatus: string;
  video: VideoFile | null;
  error: GenerationFailure | null;
  usage: Usage | null;
  /**
   * How long this generation was expected to take, fixed when it was created (from past
   * generations of the same shape, or the provider's published timings), so that the progress
   * estimate is a function of elapsed time alone and can never go backwards.
   */
  expectedDurationMs: number;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  transitions: StatusTransition[];
  idempotencyKey: string | null;
  /**
   * The span that created this generation, as a W3C `traceparent`, when tracing was on: its later
   * polls and archive attempts link to it. Absent when tracing was off.
   */
  traceparent?: string | null;
}

export const TERMINAL_STATUSES: ReadonlySet<GenerationStatus> = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT']);

export function isTerminal(status: GenerationStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
