import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

function toDate(value: unknown): Date {
  const d = value instanceof Date ? value : typeof value === 'number' || typeof value === 'string' ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 date-time string');
  return d;
}

export const DateTime = builder.scalarType('DateTime', {
  description: 'A date-time as an ISO-8601 string in UTC, e.g. "2026-11-26T14:21:11.000Z".',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string') throw new GraphQLError('DateTime must be an ISO-8601 string');
    return toDate(value);
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be an ISO-8601 string');
    return toDate(ast.value);
  },
});
