/**
 * The provider's API as the simulator knows it (docs/provider.md), written down here on
 * purpose rather than imported from the gateway: a double that shared the gateway's constants
 * would agree with every mistake the gateway makes in them.
 */

/** The PixVerse v5 models the simulated provider serves, by their wire ids. */
export const SIM_MODELS = {
  textToVideo: 'pixverse/v5/text-to-video',
  imageToVideo: 'pixverse/v5/image-to-video',
  transition: 'pixverse/v5/transition',
} as const;

export type Model = (typeof SIM_MODELS)[keyof typeof SIM_MODELS];

export const MODELS: readonly Model[] = [SIM_MODELS.textToVideo, SIM_MODELS.imageToVideo, SIM_MODELS.transition];

/** Create (POST) and read (GET `?generation_id=`) paths; both serve every model and every id. */
export const SIM_PATHS = {
  /** The vendor path, the gateway's default. */
  vendor: '/v2/generate/video/pixverse/generation',
  /** The provider's newer path for every video model. */
  universal: '/v2/video/generations',
} as const;

export type GenerationPath = (typeof SIM_PATHS)[keyof typeof SIM_PATHS];

export const ASPECT_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const RESOLUTIONS = ['360p', '540p', '720p', '1080p'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const DURATIONS = [5, 8] as const;
export type Duration = (typeof DURATIONS)[number];

export const STYLES = ['anime', '3d_animation', 'clay', 'comic', 'cyberpunk'] as const;
export type Style = (typeof STYLES)[number];

/** Applied when a create leaves the field out. */
export const DEFAULTS = { aspectRatio: '16:9', resolution: '720p', duration: 5 } as const satisfies {
  aspectRatio: AspectRatio;
  resolution: Resolution;
  duration: Duration;
};

/** Prompt and negative prompt limit, in characters (code points). */
export const MAX_PROMPT_LENGTH = 2048;
export const MAX_SEED = 2_147_483_647;

/** Image fields each model requires; no model accepts an image field it does not list. */
export const IMAGE_FIELDS: Record<Model, readonly ('image_url' | 'tail_image_url')[]> = {
  [SIM_MODELS.textToVideo]: [],
  [SIM_MODELS.imageToVideo]: ['image_url'],
  [SIM_MODELS.transition]: ['image_url', 'tail_image_url'],
};

/** Image types a base64 data URI may declare: the ones docs/provider.md calls safe. */
export const DATA_URI_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
