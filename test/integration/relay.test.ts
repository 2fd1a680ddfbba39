/**
 * Relay: `relay-compiler` compiles a `@refetchable` fragment against schema.graphql alone (it
 * needs `interface Node` and `node(id:)`), and the refetch query it writes runs against a live
 * gateway; `node(id:)` and `nodes(ids:)` keep `videoGeneration`'s isolation (another client's id
 * is null, like an unknown one).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildASTSchema, Kind, parse, printSchema, visit } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NODES } from '../../src/schema/node.js';
import { startGateway, waitFor, type TestGateway } from '../utils/gateway.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const relayCompiler = path.join(root, 'node_modules/.bin/relay-compiler');
const run = promisify(execFile);

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef00';

const COMPONENT = `import { graphql } from 'relay-runtime';

export const card = graphql\`
  fragment GenerationCard_generation on VideoGeneration
  @refetchable(queryName: "GenerationCardRefetchQuery") {
    id
    status
    progress
    video { url }
  }
\`;

export const page = graphql\`
  query GenerationPageQuery($id: ID!) {
    videoGeneration(id: $id) { ...GenerationCard_generation }
  }
\`;
`;

/** A Relay project in a temporary folder: a config, the schema given, one component. */
function relayProject(schemaSdl: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cinegraph-relay-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'schema.graphql'), schemaSdl);
  writeFileSync(path.join(dir, 'src/GenerationCard.ts'), COMPONENT);
  writeFileSync(
    path.join(dir, 'relay.config.json'),
    JSON.stringify({ src: './src', schema: './schema.graphql', language: 'typescript', eagerEsModules: true }),
  );
  return dir;
}

async function compile(dir: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(relayCompiler, [], { cwd: dir, timeout: 60_000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
}

/** The operation text relay-compiler wrote into an artifact (`params.text`). */
function operationText(dir: string, name: string): string {
  const artifact = readFileSync(path.join(dir, 'src/__generated__', `${name}.graphql.ts`), 'utf8');
  const m = /"text": ("(?:[^"\\]|\\.)*")/.exec(artifact);
  if (!m?.[1]) throw new Error(`no operation text in ${name}.graphql.ts`);
  return JSON.parse(m[1]) as string;
}

/** schema.graphql as it was before Node: no interface, no node/nodes fields. */
function withoutNode(sdl: string): string {
  const doc = visit(parse(sdl), {
    InterfaceTypeDefinition: (n) => (n.name.value === 'Node' ? null : undefined),
    ObjectTypeDefinition: (n) => ({
      ...n,
      interfaces: n.interfaces?.filter((i) => i.name.value !== 'Node'),
      fields: n.name.value === 'Query' ? n.fields?.filter((f) => f.name.value !== 'node' && f.name.value !== 'nodes') : n.fields,
    }),
  });
  expect(doc.definitions.some((d) => d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === 'Node')).toBe(false);
  return printSchema(buildASTSchema(doc));
}

describe('Relay', () => {
  const schemaSdl = readFileSync(path.join(root, 'schema.graphql'), 'utf8');
  let project = '';
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({
      env: { GATEWAY_TOKENS: `alice:${ALICE},bob:${BOB}` },
      sim: { queueMs: 100, generateMs: 200 },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('schema.graphql has interface Node, VideoGeneration implements it, node(id:) and nodes(ids:)', () => {
    expect(schemaSdl).toMatch(/^interface Node \{\n(?:.*\n)*?\s+id: ID!\n\}/m);
    expect(schemaSdl).toMatch(/^type VideoGeneration implements Node \{/m);
    expect(schemaSdl).toMatch(/\n\s+node\(\n(?:.*\n)*?\s+id: ID!\n\s+\): Node\n/);
    expect(schemaSdl).toMatch(/\n\s+nodes\(\n(?:.*\n)*?\s+ids: \[ID!\]!\n\s+\): \[Node\]!\n/);
  });

  it('relay-compiler compiles a @refetchable fragment against schema.graphql alone', async () => {
    project = relayProject(schemaSdl);
    const result = await compile(project);
    expect(result.ok, result.output).toBe(true);
    const refetch = operationText(project, 'GenerationCardRefetchQuery');
    expect(refetch).toMatch(/node\(id: \$id\)/);
    expect(refetch).toContain('...GenerationCard_generation');
  });

  it('relay-compiler refuses the same fragment on a schema without Node (what this adds)', async () => {
    const dir = relayProject(withoutNode(schemaSdl));
    try {
      const result = await compile(dir);
      expect(result.ok).toBe(false);
      expect(result.output).toMatch(/Node/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the compiled refetch query runs against the gateway and follows a generation to COMPLETED', async () => {
    const started = await gw.gql<{ generateVideo: { generation: { id: string } } }>(
      'mutation($input: GenerateVideoInput!) { generateVideo(input: $input) { generation { id } } }',
      { input: { prompt: 'A lantern drifting up into the night sky' } },
      as(ALICE),
    );
    const id = started.body.data!.generateVideo.generation.id;
    const text = operationText(project, 'GenerationCardRefetchQuery');
    type Refetch = { node: { __typename: string; id: string; status: string; progress: number; video: { url: string } | null } | null };
    const first = await gw.gql<Refetch>(text, { id }, as(ALICE));
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data?.node).toMatchObject({ __typename: 'VideoGeneration', id });
    const done = await waitFor(
      async () => {
        const r = await gw.gql<Refetch>(text, { id }, as(ALICE));
        return r.body.data?.node?.status === 'COMPLETED' ? r.body.data.node : null;
      },
      10_000,
      'the generation to complete',
    );
    expect(done.progress).toBe(1);
    expect(done.video?.url).toMatch(/^http/);

    // The page query relay-compiler wrote (videoGeneration with the fragment spread) agrees.
    const pageResult = await gw.gql<{ videoGeneration: { id: string; status: string } }>(operationText(project, 'GenerationPageQuery'), { id }, as(ALICE));
    expect(pageResult.body.data?.videoGeneration).toMatchObject({ id, status: 'COMPLETED' });
  });

  it('node and nodes answer null for another client\'s id, as for an unknown one, in order', async () => {
    const mine = async (token: string, prompt: string): Promise<string> => {
      const r = await gw.gql<{ generateVideo: { generation: { id: string } } }>(
        'mutation($input: GenerateVideoInput!) { generateVideo(input: $input) { generation { id } } }',
        { input: { prompt } },
        as(token),
      );
      return r.body.data!.generateVideo.generation.id;
    };
    const alices = await mine(ALICE, 'A red kite over green hills');
    const bobs = await mine(BOB, 'A blue whale under the ice');
    const unknown = '00000000-0000-4000-8000-000000000000:pixverse/v5/text-to-video';
    const NODE = 'query($id: ID!) { node(id: $id) { __typename id ... on VideoGeneration { prompt } } }';
    const NODES = 'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on VideoGeneration { prompt } } }';

    const own = await gw.gql<{ node: unknown }>(NODE, { id: alices }, as(ALICE));
    expect(own.body).toEqual({ data: { node: { __typename: 'VideoGeneration', id: alices, prompt: 'A red kite over green hills' } } });
    const other = await gw.gql<{ node: unknown }>(NODE, { id: bobs }, as(ALICE));
    expect(other.body).toEqual({ data: { node: null } });
    const none = await gw.gql<{ node: unknown }>(NODE, { id: unknown }, as(ALICE));
    expect(none.body).toEqual({ data: { node: null } });
    // videoGeneration draws the same line.
    const viaField = await gw.gql<{ videoGeneration: unknown }>('query($id: ID!) { videoGeneration(id: $id) { id } }', { id: bobs }, as(ALICE));
    expect(viaField.body).toEqual({ data: { videoGeneration: null } });

    const list = await gw.gql<{ nodes: unknown[] }>(NODES, { ids: [bobs, alices, unknown] }, as(ALICE));
    expect(list.body).toEqual({ data: { nodes: [null, { id: alices, prompt: 'A red kite over green hills' }, null] } });
    const forBob = await gw.gql<{ nodes: unknown[] }>(NODES, { ids: [bobs, alices] }, as(BOB));
    expect(forBob.body).toEqual({ data: { nodes: [{ id: bobs, prompt: 'A blue whale under the ice' }, null] } });
    const empty = await gw.gql<{ nodes: unknown[] }>(NODES, { ids: [] }, as(ALICE));
    expect(empty.body).toEqual({ data: { nodes: [] } });
  });

  it(`nodes refuses more than ${MAX_NODES} ids with BAD_USER_INPUT`, async () => {
    const ids = Array.from({ length: MAX_NODES + 1 }, (_, i) => `id-${i}`);
    const r = await gw.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }, as(ALICE));
    expect(r.status).toBeLessThan(500);
    expect(r.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.body.errors?.[0]?.message).toContain(String(MAX_NODES));
  });
});
