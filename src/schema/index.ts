/** The one place that turns the registered types into a schema. */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './generation.js';
import './history.js';
import './webhooks.js';
import './node.js';
import './usage.js';
import './viewer.js';

let cached: GraphQLSchema | null = null;

export function buildSchema(): GraphQLSchema {
  cached ??= builder.toSchema({ sortSchema: true });
  return cached;
}

/** The printed, sorted schema as kept in `schema.graphql`. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema())).trim()}\n`;
}
