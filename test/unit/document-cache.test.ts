/**
 * Repeated documents are parsed and validated once: yoga's parser and validation cache is on in
 * the gateway's yoga, and it holds on the path graphql-ws operations take (ws.ts calls
 * `getEnveloped().parse/validate`), with the document limits' own parser (graphql-armor's token
 * counter) installed, which would otherwise parse every time.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildSchema } from '../../src/schema/index.js';
import { useDocumentLimits } from '../../src/server/plugins/use-document-limits.js';
import { createGatewayYoga } from '../../src/server/yoga.js';
import { WATCH } from '../utils/generation-helpers.js';

describe('document cache', () => {
  it('hands out the same parsed document and the same validation result for a repeated document', () => {
    const schema = buildSchema();
    const yoga = createGatewayYoga({
      schema,
      service: {} as never,
      authenticate: async () => null,
      logger: pino({ level: 'silent' }),
      publicUrl: () => '',
      plugins: [useDocumentLimits(loadConfig({}).limits)],
    });
    const first = yoga.getEnveloped({});
    const second = yoga.getEnveloped({});
    const doc = first.parse(WATCH);
    expect(second.parse(WATCH)).toBe(doc);
    const errors = first.validate(schema, doc);
    expect(errors).toEqual([]);
    expect(second.validate(schema, doc)).toBe(errors);
    // The limits still apply to documents not seen before.
    expect(() => first.parse(`{ ${'__typename '.repeat(20_000)}}`)).toThrow(/token/i);
  });
});
