/**
 * Frames: the `File` upload scalar (the GraphQL multipart request spec, which yoga parses), the
 * `ImageInput` a caller gives a frame with, the `Image` a generation reports, and `VideoModel`.
 */
import { GraphQLError } from 'graphql';
import type { FrameImage, VideoModel } from '../domain/generation.js';
import type { UploadedImage } from '../domain/images.js';
import { builder } from './builder.js';

function isUpload(value: unknown): value is UploadedImage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as UploadedImage).size === 'number' &&
    typeof (value as UploadedImage).arrayBuffer === 'function'
  );
}

export const FileScalar = builder.scalarType('File', {
  description:
    'An uploaded file, sent as a part of a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec). Input only; it cannot be written inline in a query, and it cannot travel over WebSocket or SSE.',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar');
  },
  parseValue: (value) => {
    if (!isUpload(value)) {
      throw new GraphQLError('File must be an uploaded file part of a multipart request (see the GraphQL multipart request spec)');
    }
    return value;
  },
  parseLiteral: () => {
    throw new GraphQLError('File cannot be written in a query; send it as a variable in a multipart request');
  },
});

export const ImageInputRef = builder.inputType('ImageInput', {
  description:
    'A frame: exactly one of `url` or `file`. PNG, JPEG and WebP are accepted; an upload may be at most MAX_IMAGE_BYTES (10 MB by default).',
  fields: (t) => ({
    url: t.string({
      description:
        'An https: URL of the image (http: only when the gateway allows it), at most 2048 characters. The provider fetches it; the gateway never does.',
    }),
    file: t.field({
      type: FileScalar,
      description:
        'The image itself, uploaded with a GraphQL multipart request. Its type is checked by its content, not its name; it is kept by the gateway and sent to the provider as a base64 data URI.',
    }),
  }),
});

export const VideoModelEnum = builder.enumType('VideoModel', {
  description: 'Which PixVerse v5 model makes the video; chosen by the frames given.',
  values: {
    TEXT_TO_VIDEO: { value: 'text-to-video', description: 'From the prompt alone (no frames).' },
    IMAGE_TO_VIDEO: { value: 'image-to-video', description: 'Animates `firstFrame`.' },
    TRANSITION: { value: 'transition', description: 'Moves from `firstFrame` to `lastFrame`.' },
  } as const satisfies Record<string, { value: VideoModel; description: string }>,
});

export const ImageRef = builder.objectRef<FrameImage>('Image').implement({
  description: 'A frame a generation was asked to start (or end) with.',
  fields: (t) => ({
    url: t.string({
      description:
        "Where the image is: the caller's URL as given, or, for an upload, the gateway's own URL for its stored copy (/images/<unguessable name>).",
      resolve: (img, _args, ctx) => (img.source === 'url' ? img.url : `${ctx.publicUrl()}/images/${img.name}`),
    }),
    contentType: t.string({
      nullable: true,
      description: 'image/png, image/jpeg or image/webp for an upload (read from its content); null for a URL.',
      resolve: (img) => (img.source === 'file' ? img.contentType : null),
    }),
    byteSize: t.int({
      nullable: true,
      description: 'Size of an upload in bytes; null for a URL.',
      resolve: (img) => (img.source === 'file' ? img.byteSize : null),
    }),
    width: t.int({
      nullable: true,
      description: 'Width of an upload in pixels, from its header; null for a URL.',
      resolve: (img) => (img.source === 'file' ? img.width : null),
    }),
    height: t.int({
      nullable: true,
      description: 'Height of an upload in pixels, from its header; null for a URL.',
      resolve: (img) => (img.source === 'file' ? img.height : null),
    }),
  }),
});
