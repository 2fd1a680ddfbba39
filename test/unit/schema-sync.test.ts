import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema as parseSdl } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/schema/index.js';

const file = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

describe('schema.graphql', () => {
  it('is the printed, sorted schema of the code (run `npm run schema` when this fails)', () => {
    expect(readFileSync(file, 'utf8')).toBe(printedSchema());
  });

  it('builds on its own, as a codegen consumer would use it', () => {
    const schema = parseSdl(readFileSync(file, 'utf8'));
    expect(schema.getQueryType()?.getFields().videoGeneration).toBeDefined();
    expect(schema.getMutationType()?.getFields().generateVideo).toBeDefined();
    expect(schema.getSubscriptionType()?.getFields().videoGenerationUpdates).toBeDefined();
  });

  it('describes every type and field (they become GraphiQL docs)', () => {
    const schema = parseSdl(readFileSync(file, 'utf8'));
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if ('getFields' in type) {
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
