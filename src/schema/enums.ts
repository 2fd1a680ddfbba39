import { builder } from './builder.js';

export const AspectRatioEnum = builder.enumType('AspectRatio', {
  description: 'Frame shape of the video (width:height).',
  values: {
    RATIO_16_9: { value: '16:9', description: 'Landscape 16:9 (the default).' },
    RATIO_4_3: { value: '4:3', description: 'Landscape 4:3.' },
    RATIO_1_1: { value: '1:1', description: 'Square.' },
    RATIO_3_4: { value: '3:4', description: 'Portrait 3:4.' },
    RATIO_9_16: { value: '9:16', description: 'Portrait 9:16, for phones.' },
  } as const,
});

export const VideoResolutionEnum = builder.enumType('VideoResolution', {
  description: 'Vertical resolution of the video.',
  values: {
    P360: { value: '360p', description: '360p.' },
    P540: { value: '540p', description: '540p.' },
    P720: { value: '720p', description: '720p (the default).' },
    P1080: { value: '1080p', description: '1080p; only 5-second videos.' },
  } as const,
});

export const VideoStyleEnum = builder.enumType('VideoStyle', {
  description: 'A visual style applied by the model.',
  values: {
    ANIME: { value: 'anime', description: 'Anime.' },
    THREE_D_ANIMATION: { value: '3d_animation', description: '3D animation.' },
    CLAY: { value: 'clay', description: 'Claymation.' },
    COMIC: { value: 'comic', description: 'Comic book.' },
    CYBERPUNK: { value: 'cyberpunk', description: 'Cyberpunk.' },
  } as const,
});

export const VideoGenerationStatusEnum = builder.enumType('VideoGenerationStatus', {
  description:
    'Where a generation is. Status never moves backwards; COMPLETED, FAILED and TIMED_OUT are terminal, with one exception: a TIMED_OUT generation that the provider completes after all (checked for LATE_RESULT_WINDOW_MS, 24 h by default) moves to COMPLETED, recorded in `transitions`.',
  values: {
    QUEUED: { description: 'Accepted by the provider, waiting to start.' },
    GENERATING: { description: 'The provider is rendering the video.' },
    COMPLETED: { description: 'Done: `video` is set.' },
    FAILED: { description: 'The provider reported a failure: `error` is set.' },
    TIMED_OUT: {
      description:
        "A read after the gateway's generation timeout still showed it in progress (error code TIMED_OUT), or the provider could not be reached until GENERATION_GIVE_UP_MS (error code PROVIDER_UNREACHABLE): `error` is set. It may still become COMPLETED if the provider finishes it late.",
    },
  } as const,
});

export const UserErrorCodeEnum = builder.enumType('UserErrorCode', {
  description: 'Why a mutation did not do what it was asked (`generateVideo`, the webhook mutations).',
  values: {
    INVALID_INPUT: { description: 'Rejected before reaching the provider; `field` names the input at fault.' },
    UPSTREAM_REJECTED: { description: 'The provider refused the request (a 4xx other than 401 and 429).' },
    UPSTREAM_UNAVAILABLE: { description: 'The provider could not be reached or kept failing.' },
    RATE_LIMITED: { description: 'The provider or this gateway\'s limits said "later"; see `retryAfterSeconds`.' },
    IDEMPOTENCY_CONFLICT: { description: 'The idempotency key was already used with a different input.' },
    BUDGET_EXCEEDED: {
      description:
        "The caller's spend limit (SPEND_LIMIT_PER_DAY credits per rolling 24 hours) is reached, or this generation's expected cost would pass it; nothing was sent to the provider. See `retryAfterSeconds` (null when one generation like this costs more than the whole limit).",
    },
  } as const,
});
