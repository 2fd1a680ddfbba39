/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "subscription FollowGeneration($id: ID!) {\n  videoGenerationUpdates(id: $id) {\n    ...GenerationFields\n  }\n}": typeof types.FollowGenerationDocument,
    "fragment GenerationFields on VideoGeneration {\n  id\n  status\n  providerStatus\n  prompt\n  negativePrompt\n  aspectRatio\n  resolution\n  duration\n  style\n  seed\n  model\n  firstFrame {\n    ...ImageFields\n  }\n  lastFrame {\n    ...ImageFields\n  }\n  progress\n  estimatedCompletionAt\n  createdAt\n  updatedAt\n  completedAt\n  video {\n    url\n    contentType\n    fileSize\n  }\n  error {\n    code\n    message\n  }\n  usage {\n    ...UsageFields\n  }\n  transitions {\n    status\n    providerStatus\n    at\n  }\n}\n\nfragment ImageFields on Image {\n  url\n  contentType\n  byteSize\n}\n\nfragment GenerationSummary on VideoGeneration {\n  id\n  status\n  prompt\n  resolution\n  duration\n  aspectRatio\n  style\n  createdAt\n  completedAt\n  video {\n    url\n  }\n  usage {\n    ...UsageFields\n  }\n}\n\nfragment UsageFields on Usage {\n  credits\n  tokens\n  usd\n}": typeof types.GenerationFieldsFragmentDoc,
    "query GenerationHistory($first: Int, $after: String, $status: [VideoGenerationStatus!]) {\n  videoGenerations(first: $first, after: $after, status: $status) {\n    edges {\n      cursor\n      node {\n        ...GenerationSummary\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.GenerationHistoryDocument,
    "query ReadGeneration($id: ID!) {\n  videoGeneration(id: $id) {\n    ...GenerationFields\n  }\n}": typeof types.ReadGenerationDocument,
    "mutation StartGeneration($input: GenerateVideoInput!) {\n  generateVideo(input: $input) {\n    generation {\n      ...GenerationFields\n    }\n    userErrors {\n      code\n      message\n      field\n      retryAfterSeconds\n    }\n  }\n}": typeof types.StartGenerationDocument,
    "query Viewer {\n  viewer {\n    id\n    kind\n    activeGenerations\n    spentLast24h\n    limits {\n      maxActiveGenerations\n      generatesPerMinute\n      spendPerDay\n    }\n  }\n}": typeof types.ViewerDocument,
    "fragment WebhookEndpointFields on WebhookEndpoint {\n  id\n  url\n  events\n  createdAt\n  disabledAt\n}\n\nmutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n  createWebhookEndpoint(input: $input) {\n    endpoint {\n      ...WebhookEndpointFields\n    }\n    secret\n    userErrors {\n      code\n      message\n      field\n      retryAfterSeconds\n    }\n  }\n}\n\nquery WebhookEndpoints {\n  webhookEndpoints {\n    ...WebhookEndpointFields\n  }\n}": typeof types.WebhookEndpointFieldsFragmentDoc,
};
const documents: Documents = {
    "subscription FollowGeneration($id: ID!) {\n  videoGenerationUpdates(id: $id) {\n    ...GenerationFields\n  }\n}": types.FollowGenerationDocument,
    "fragment GenerationFields on VideoGeneration {\n  id\n  status\n  providerStatus\n  prompt\n  negativePrompt\n  aspectRatio\n  resolution\n  duration\n  style\n  seed\n  model\n  firstFrame {\n    ...ImageFields\n  }\n  lastFrame {\n    ...ImageFields\n  }\n  progress\n  estimatedCompletionAt\n  createdAt\n  updatedAt\n  completedAt\n  video {\n    url\n    contentType\n    fileSize\n  }\n  error {\n    code\n    message\n  }\n  usage {\n    ...UsageFields\n  }\n  transitions {\n    status\n    providerStatus\n    at\n  }\n}\n\nfragment ImageFields on Image {\n  url\n  contentType\n  byteSize\n}\n\nfragment GenerationSummary on VideoGeneration {\n  id\n  status\n  prompt\n  resolution\n  duration\n  aspectRatio\n  style\n  createdAt\n  completedAt\n  video {\n    url\n  }\n  usage {\n    ...UsageFields\n  }\n}\n\nfragment UsageFields on Usage {\n  credits\n  tokens\n  usd\n}": types.GenerationFieldsFragmentDoc,
    "query GenerationHistory($first: Int, $after: String, $status: [VideoGenerationStatus!]) {\n  videoGenerations(first: $first, after: $after, status: $status) {\n    edges {\n      cursor\n      node {\n        ...GenerationSummary\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.GenerationHistoryDocument,
    "query ReadGeneration($id: ID!) {\n  videoGeneration(id: $id) {\n    ...GenerationFields\n  }\n}": types.ReadGenerationDocument,
    "mutation StartGeneration($input: GenerateVideoInput!) {\n  generateVideo(input: $input) {\n    generation {\n      ...GenerationFields\n    }\n    userErrors {\n      code\n      message\n      field\n      retryAfterSeconds\n    }\n  }\n}": types.StartGenerationDocument,
    "query Viewer {\n  viewer {\n    id\n    kind\n    activeGenerations\n    spentLast24h\n    limits {\n      maxActiveGenerations\n      generatesPerMinute\n      spendPerDay\n    }\n  }\n}": types.ViewerDocument,
    "fragment WebhookEndpointFields on WebhookEndpoint {\n  id\n  url\n  events\n  createdAt\n  disabledAt\n}\n\nmutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n  createWebhookEndpoint(input: $input) {\n    endpoint {\n      ...WebhookEndpointFields\n    }\n    secret\n    userErrors {\n      code\n      message\n      field\n      retryAfterSeconds\n    }\n  }\n}\n\nquery WebhookEndpoints {\n  webhookEndpoints {\n    ...WebhookEndpointFields\n  }\n}": types.WebhookEndpointFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription FollowGeneration($id: ID!) {\n  videoGenerationUpdates(id: $id) {\n    ...GenerationFields\n  }\n}"): (typeof documents)["subscription FollowGeneration($id: ID!) {\n  videoGenerationUpdates(id: $id) {\n    ...GenerationFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment GenerationFields on VideoGeneration {\n  id\n  status\n  providerStatus\n  prompt\n  negativePrompt\n  aspectRatio\n  resolution\n  duration\n  style\n  seed\n  model\n  firstFrame {\n    ...ImageFields\n  }\n  lastFrame {\n    ...ImageFields\n  }\n  progress\n  estimatedCompletionAt\n  createdAt\n  updatedAt\n  completedAt\n  video {\n    url\n    contentType\n    fileSize\n  }\n  error {\n    code\n    message\n  }\n  usage {\n    ...UsageFields\n  }\n  transitions {\n    status\n    providerStatus\n    at\n  }\n}\n\nfragment ImageFields on Image {\n  url\n  contentType\n  byteSize\n}\n\nfragment GenerationSummary on VideoGeneration {\n  id\n  status\n  prompt\n  resolution\n  duration\n  aspectRatio\n  style\n  createdAt\n  completedAt\n  video {\n    url\n  }\n  usage {\n    ...UsageFields\n  }\n}\n\nfragment UsageFields on Usage {\n  credits\n  tokens\n  usd\n}"): (typeof documents)["fragment GenerationFields on VideoGeneration {\n  id\n  status\n  providerStatus\n  prompt\n  negativePrompt\n  aspectRatio\n  resolution\n  duration\n  style\n  seed\n  model\n  firstFrame {\n    ...ImageFields\n  }\n  lastFrame {\n    ...ImageFields\n  }\n  progress\n  estimatedCompletionAt\n  createdAt\n  updatedAt\n  completedAt\n  video {\n    url\n    contentType\n    fileSize\n  }\n  error {\n    code\n    message\n  }\n  usage {\n    ...UsageFields\n  }\n  transitions {\n    status\n    providerStatus\n    at\n  }\n}\n\nfragment ImageFields on Image {\n  url\n  contentType\n  byteSize\n}\n\nfragment GenerationSummary on VideoGeneration {\n  id\n  status\n  prompt\n  resolution\n  duration\n  aspectRatio\n  style\n  createdAt\n  completedAt\n  video {\n    url\n  }\n  usage {\n    ...UsageFields\n  }\n}\n\nfragment UsageFields on Usage {\n  credits\n  tokens\n  usd\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GenerationHistory($first: Int, $after: String, $status: [VideoGenerationStatus!]) {\n  videoGenerations(first: $first, after: $after, status: $status) {\n    edges {\n      cursor\n      node {\n        ...GenerationSummary\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query GenerationHistory($first: Int, $after: String, $status: [VideoGenerationStatus!]) {\n  videoGenerations(first: $first, after: $after, status: $status) {\n    edges {\n      cursor\n      node {\n        ...GenerationSummary\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReadGeneration($id: ID!) {\n  videoGeneration(id: $id) {\n    ...GenerationFields\n  }\n}"): (typeof documents)["query ReadGeneration($id: ID!) {\n  videoGeneration(id: $id) {\n    ...GenerationFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation StartGeneration($input: GenerateVideoInput!) {\n  generateVideo(input: $input) {\n    generation {\n      ...GenerationFields\n    }\n    userErrors {\n      code\n      message\n      field\n      retryAfterSeconds\n    }\n  }\n}"): (typeof documents)["mutation StartGeneration($input: GenerateVideoInput!) {\n  generateVideo(input: $input) {\n    generation {\n      ...GenerationFields\n    }\n    userErrors {\n      code\n      message\n      field\n      retryAfterSeconds\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  viewer {\n    id\n    kind\n    activeGenerations\n    spentLast24h\n    limits {\n      maxActiveGenerations\n      generatesPerMinute\n      spendPerDay\n    }\n  }\n}"): (typeof documents)["query Viewer {\n  viewer {\n    id\n    kind\n    activeGenerations\n    spentLast24h\n    limits {\n      maxActiveGenerations\n      generatesPerMinute\n      spendPerDay\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment WebhookEndpointFields on WebhookEndpoint {\n  id\n  url\n  events\n  createdAt\n  disabledAt\n}\n\nmutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n  createWebhookEndpoint(input: $input) {\n    endpoint {\n      ...WebhookEndpointFields\n    }\n    secret\n    userErrors {\n      code\n      message\n      field\n      retryAfterSeconds\n    }\n  }\n}\n\nquery WebhookEndpoints {\n  webhookEndpoints {\n    ...WebhookEndpointFields\n  }\n}"): (typeof documents)["fragment WebhookEndpointFields on WebhookEndpoint {\n  id\n  url\n  events\n  createdAt\n  disabledAt\n}\n\nmutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n  createWebhookEndpoint(input: $input) {\n    endpoint {\n      ...WebhookEndpointFields\n    }\n    secret\n    userErrors {\n      code\n      message\n      field\n      retryAfterSeconds\n    }\n  }\n}\n\nquery WebhookEndpoints {\n  webhookEndpoints {\n    ...WebhookEndpointFields\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;