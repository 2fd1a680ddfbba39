/**
 * Codegen-typed consumers: GraphQL Code Generator (client preset) runs against schema.graphql
 * alone over the shared operations in src/client/operations, the small client in
 * test/codegen/client.ts typechecks strictly against what it generated, then runs against a live
 * gateway. The TypedDocumentNodes committed for the CLI (src/client/generated) must be what the
 * generator writes now, as schema.graphql must be what the code prints (test/unit/schema-sync.test.ts).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generate } from '@graphql-codegen/cli';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_GENERATED_DIR, filesOnDisk, generatedFiles } from '../../src/client/codegen.js';
import { codegenConfig, GENERATED_DIR } from '../codegen/codegen.js';
import { startGateway, type TestGateway } from '../utils/gateway.js';
import { makeJpeg } from '../utils/images.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const clientPath = path.join(root, 'test/codegen/client.ts');
const run = promisify(execFile);

/**
 * Typechecks the client with the repository's strict compiler options. The project's own tsc
 * excludes the client (tsconfig.json), since its generated types do not exist on a fresh clone.
 */
function typecheckClient(): string[] {
  const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => readFile(file);
  const program = ts.createProgram({ rootNames: [clientPath], options, host });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }).trim());
}

describe('codegen-typed client', () => {
  let gw: TestGateway | null = null;

  beforeAll(async () => {
    rmSync(GENERATED_DIR, { recursive: true, force: true });
    await generate({ ...codegenConfig(root), cwd: root }, true);
  });
  afterAll(async () => {
    await gw?.stop();
    gw = null;
  });

  it('generates TypedDocumentNodes from schema.graphql alone', () => {
    const generated = readFileSync(path.join(GENERATED_DIR, 'graphql.ts'), 'utf8');
    for (const name of ['StartGenerationDocument', 'ReadGenerationDocument', 'FollowGenerationDocument', 'GenerationHistoryDocument']) {
      expect(generated).toContain(`export const ${name} =`);
    }
    expect(generated).toMatch(/export type VideoGenerationStatus =/);
    expect(existsSync(path.join(GENERATED_DIR, 'index.ts'))).toBe(true);
    // The trusted-documents manifest: every operation's id ("sha256:<hex>" of its text) → its text,
    // the id embedded in the generated document as __meta__.hash.
    const manifest = JSON.parse(readFileSync(path.join(GENERATED_DIR, 'persisted-documents.json'), 'utf8')) as Record<string, string>;
    const ids = Object.keys(manifest);
    // One per operation (fragments travel inside the operations that spread them).
    expect(ids.length).toBe(generated.match(/^export const \w+Document = /gm)?.length);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const [id, doc] of Object.entries(manifest)) {
      expect(id).toBe(`sha256:${createHash('sha256').update(doc).digest('hex')}`);
      expect(generated).toContain(`"__meta__":{"hash":"${id}"}`);
    }
  });

  it('has the committed src/client/generated up to date (run `npm run codegen` when this fails)', async () => {
    const want = await generatedFiles(CLIENT_GENERATED_DIR);
    expect([...want.keys()].sort()).toEqual(['gql.ts', 'graphql.ts', 'index.ts', 'persisted-documents.json']);
    expect(Object.fromEntries(filesOnDisk(CLIENT_GENERATED_DIR))).toEqual(Object.fromEntries(want));
  });

  it('typechecks the client strictly against the generated types', () => {
    expect(typecheckClient()).toEqual([]);
  });

  it('catches a client that misuses the generated types', () => {
    // The same check on a broken copy must fail, or the check above proves nothing.
    const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), (f) => ts.sys.readFile(f));
    const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
    const probe = path.join(GENERATED_DIR, 'probe.ts');
    const source = [
      "import { StartGenerationDocument, type StartGenerationMutationVariables } from './graphql.js';",
      "const ok: StartGenerationMutationVariables = { input: { prompt: 'x', resolution: 'P720' } };",
      "const bad: StartGenerationMutationVariables = { input: { prompt: 'x', resolution: '720p' } };",
      'export { ok, bad, StartGenerationDocument };',
    ].join('\n');
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => (path.resolve(file) === probe ? source : readFile(file));
    host.fileExists = ((exists) => (file: string) => path.resolve(file) === probe || exists(file))(host.fileExists.bind(host));
    const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram({ rootNames: [probe], options, host }));
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n')).toMatch(/'"720p"' is not assignable/);
    expect(diagnostics).toHaveLength(1);
  });

  // The client is a separate process (tsx start-up included) following two generations: on a
  // loaded 2-core machine that takes longer than the default test timeout.
  it('runs the typed client against a live gateway to completion', async () => {
    gw = await startGateway({ sim: { queueMs: 1000, generateMs: 1000 } });
    const frameDir = mkdtempSync(path.join(tmpdir(), 'cinegraph-codegen-frame-'));
    const framePath = path.join(frameDir, 'frame.jpg');
    const jpeg = makeJpeg(32, 24);
    writeFileSync(framePath, jpeg);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', clientPath, `${gw.url}/graphql`, '', `--frame=${framePath}`], {
      cwd: root,
      timeout: 45_000,
    }).finally(() => rmSync(frameDir, { recursive: true, force: true }));
    const report = JSON.parse(stdout.trim()) as {
      started: string[];
      statuses: string[];
      progress: number[];
      videoUrl: string;
      transitions: string[];
      userError: { code: string; field: string[] | null } | null;
      historyPages: number;
      historyIds: string[];
      upload: { id: string; model: string; firstFrame: { url: string; contentType: string; byteSize: number }; status: string } | null;
    };
    expect(report.statuses).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(report.progress.at(-1)).toBe(1);
    expect(report.transitions).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(report.videoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\.mp4$/);
    expect(report.userError).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'duration'] });
    // Newest first, one per page.
    expect(report.historyPages).toBe(2);
    expect(report.historyIds).toEqual([...report.started].reverse());
    // The uploaded frame: image-to-video to COMPLETED, the file stored, served back and sent as a data URI.
    expect(report.upload).toMatchObject({ model: 'IMAGE_TO_VIDEO', status: 'COMPLETED', firstFrame: { contentType: 'image/jpeg', byteSize: jpeg.length } });
    const served = await fetch(report.upload?.firstFrame.url as string);
    expect(Buffer.from(await served.arrayBuffer()).equals(jpeg)).toBe(true);
    expect(gw.sim.createBodies().find((b) => b.model === 'pixverse/v5/image-to-video')).toMatchObject({
      image_url: `data:image/jpeg;base64,${jpeg.toString('base64')}`,
    });
  }, 60_000);

  it('runs the same client by documentId alone against a gateway that runs only its trusted documents', async () => {
    await gw?.stop();
    gw = await startGateway({
      // As above: long enough for the client to see QUEUED.
      sim: { queueMs: 1000, generateMs: 1000 },
      env: { PERSISTED_DOCUMENTS: path.join(GENERATED_DIR, 'persisted-documents.json'), PERSISTED_DOCUMENTS_ONLY: 'true' },
    });
    // The ad-hoc document the client sends without --trusted-documents is refused.
    const adHoc = await gw.gql('{ __typename }');
    expect(adHoc.body.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', clientPath, `${gw.url}/graphql`, '', '--trusted-documents'], {
      cwd: root,
      timeout: 45_000,
    });
    const report = JSON.parse(stdout.trim()) as { statuses: string[]; transitions: string[]; userError: { code: string } | null; historyIds: string[]; started: string[] };
    // Mutations and queries over HTTP, the first generation followed over WebSocket, the second over SSE.
    expect(report.statuses).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(report.transitions).toEqual(['QUEUED', 'GENERATING', 'COMPLETED']);
    expect(report.userError).toMatchObject({ code: 'INVALID_INPUT' });
    expect(report.historyIds).toEqual([...report.started].reverse());
  }, 60_000);
});
