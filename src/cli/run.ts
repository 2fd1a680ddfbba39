/**
 * The `cinegraph` command: generate, status, watch and list against a Cinegraph gateway.
 * `run()` takes its arguments, environment and output streams, and answers an exit code, so it
 * can be driven without a process (main.ts is the process around it).
 */
import { parseArgs } from 'node:util';
import { CliError, ExitCode, exitCodeForUserError } from './errors.js';
import {
  GenerationHistoryDocument,
  ReadGenerationDocument,
  StartGenerationDocument,
  type AspectRatio,
  type GenerateVideoInput,
  type VideoGenerationStatus,
  type VideoResolution,
  type VideoStyle,
} from '../client/generated/graphql.js';
import { frameInput, type Upload } from './frames.js';
import { Gateway, TERMINAL, type Generation, type UserError } from './gateway.js';
import { addWebhook, listWebhooks, parseEvents } from './webhooks.js';
import { describeOptions, formatCost, JsonReporter, PlainReporter, TtyReporter, type Io, type WatchReporter } from './output.js';

export const DEFAULT_URL = 'http://localhost:4000/graphql';

/** What main.ts reads from the environment. */
export interface CliEnv {
  CINEGRAPH_URL?: string | undefined;
  CINEGRAPH_TOKEN?: string | undefined;
}

const HELP = `cinegraph: video generations from the command line, through a Cinegraph gateway

Usage:
  cinegraph generate "<prompt>" [options]   start a generation and follow it to the video URL
  cinegraph status <id>                     show a generation
  cinegraph watch <id>                      follow a generation until it ends
  cinegraph list [--first N] [--status S]   your recent generations, newest first
  cinegraph add-webhook <url> [--event E]   register a webhook endpoint; prints its signing secret once
  cinegraph webhooks                        your webhook endpoints

Generate options:
  --resolution <360p|540p|720p|1080p>       default 720p
  --duration <5|8>                          seconds, default 5 (1080p: 5 only)
  --aspect-ratio <16:9|4:3|1:1|3:4|9:16>    default 16:9
  --style <anime|3d_animation|clay|comic|cyberpunk>
  --seed <0..2147483647>
  --negative-prompt <text>                  what the video should avoid
  --idempotency-key <key>                   retrying with the same key never pays twice
  --first-frame <PATH|URL>                  animate this image (image-to-video); a file is uploaded
  --last-frame <PATH|URL>                   with --first-frame: end on this image (transition)
  --no-watch                                print the id and exit once started

List options:
  --first <1..100>                          page size, default 20
  --status <STATUS[,STATUS]>                QUEUED, GENERATING, COMPLETED, FAILED, TIMED_OUT
  --after <cursor>                          the next page (printed after a full page)

Webhook options:
  --event <completed|failed|timed_out|status_changed>
                                            repeatable; default completed, failed and timed_out

Common options:
  --url <url>        the gateway's GraphQL endpoint (env CINEGRAPH_URL; default ${DEFAULT_URL})
  --token <token>    gateway token, when it requires one (env CINEGRAPH_TOKEN)
  --json             one JSON object per line on stdout, for scripts
  -h, --help         this help

Output: progress goes to stderr (a live bar on a terminal, plain lines otherwise); the result
(the video URL, the status, the list) goes to stdout.

Exit codes:
  0  success (the generation completed, or the command did what it was asked)
  1  unexpected error
  2  user error: bad arguments, INVALID_INPUT, IDEMPOTENCY_CONFLICT, RATE_LIMITED, unknown id
  3  the generation FAILED or TIMED_OUT
  4  connection failure: gateway unreachable, token refused, provider unavailable
`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  resolution: { type: 'string' },
  duration: { type: 'string' },
  'aspect-ratio': { type: 'string' },
  style: { type: 'string' },
  seed: { type: 'string' },
  'negative-prompt': { type: 'string' },
  'idempotency-key': { type: 'string' },
  'no-watch': { type: 'boolean' },
  'first-frame': { type: 'string' },
  'last-frame': { type: 'string' },
  first: { type: 'string' },
  status: { type: 'string', multiple: true },
  after: { type: 'string' },
  event: { type: 'string', multiple: true },
} as const;

type OptionName = keyof typeof OPTIONS;
const COMMON: OptionName[] = ['url', 'token', 'json', 'help'];
const COMMANDS: Record<string, { args: number; options: OptionName[]; usage: string }> = {
  generate: {
    args: 1,
    options: ['resolution', 'duration', 'aspect-ratio', 'style', 'seed', 'negative-prompt', 'idempotency-key', 'first-frame', 'last-frame', 'no-watch'],
    usage: 'cinegraph generate "<prompt>" [options]',
  },
  status: { args: 1, options: [], usage: 'cinegraph status <id>' },
  watch: { args: 1, options: [], usage: 'cinegraph watch <id>' },
  list: { args: 0, options: ['first', 'status', 'after'], usage: 'cinegraph list [--first N] [--status S] [--after cursor]' },
  'add-webhook': { args: 1, options: ['event'], usage: 'cinegraph add-webhook <url> [--event E]...' },
  webhooks: { args: 0, options: [], usage: 'cinegraph webhooks' },
};

const RESOLUTIONS: Record<string, VideoResolution> = { '360p': 'P360', '540p': 'P540', '720p': 'P720', '1080p': 'P1080' };
const ASPECT_RATIOS: Record<string, AspectRatio> = {
  '16:9': 'RATIO_16_9',
  '4:3': 'RATIO_4_3',
  '1:1': 'RATIO_1_1',
  '3:4': 'RATIO_3_4',
  '9:16': 'RATIO_9_16',
};
const STYLES: Record<string, VideoStyle> = {
  anime: 'ANIME',
  '3d_animation': 'THREE_D_ANIMATION',
  clay: 'CLAY',
  comic: 'COMIC',
  cyberpunk: 'CYBERPUNK',
};
const STATUSES: readonly VideoGenerationStatus[] = ['QUEUED', 'GENERATING', 'COMPLETED', 'FAILED', 'TIMED_OUT'];
const isStatus = (s: string): s is VideoGenerationStatus => (STATUSES as readonly string[]).includes(s);
/** Input field → the flag that sets it, for messages. */
const FLAG_OF: Record<string, string> = {
  prompt: 'prompt',
  negativePrompt: '--negative-prompt',
  aspectRatio: '--aspect-ratio',
  resolution: '--resolution',
  duration: '--duration',
  style: '--style',
  seed: '--seed',
  idempotencyKey: '--idempotency-key',
  firstFrame: '--first-frame',
  lastFrame: '--last-frame',
};

const usageError = (message: string): CliError => new CliError(message, ExitCode.USER_ERROR, 'USAGE');

/** Accepts the provider's spelling (720p, 16:9, 3d_animation) or the GraphQL enum (P720, RATIO_16_9). */
function enumValue<E extends string>(flag: string, value: string | undefined, table: Record<string, E>): E | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const key = Object.keys(table).find((k) => k.toLowerCase() === v.toLowerCase().replace(/-/g, '_'));
  if (key) return table[key];
  const asEnum = Object.values(table).find((e) => e === v.toUpperCase());
  if (asEnum) return asEnum;
  throw usageError(`--${flag} must be one of ${Object.keys(table).join(', ')} (got "${value}")`);
}

function intValue(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value)) throw usageError(`--${flag} must be a whole number (got "${value}")`);
  return Number(value);
}

interface Parsed {
  command: string | null;
  positionals: string[];
  values: { [K in OptionName]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };
}

function parse(argv: string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError(`${err instanceof Error ? err.message : String(err)}. See cinegraph --help`);
  }
  const [command = null, ...positionals] = parsed.positionals;
  return { command, positionals, values: parsed.values as Parsed['values'] };
}

function printUserErrors(io: Io, json: boolean, errors: UserError[]): void {
  for (const e of errors) {
    const field = e.field?.[0] === 'input' && e.field[1] ? (FLAG_OF[e.field[1]] ?? e.field[1]) : null;
    if (json) {
      io.stdout.write(`${JSON.stringify({ type: 'error', code: e.code, message: e.message, field: e.field, retryAfterSeconds: e.retryAfterSeconds })}\n`);
    } else {
      const retry = e.retryAfterSeconds ? ` (retry in ${e.retryAfterSeconds} s)` : '';
      io.stderr.write(`error: ${field ? `${field}: ` : ''}${e.message}${retry} [${e.code}]\n`);
    }
  }
}

function reporterFor(io: Io, json: boolean): WatchReporter {
  if (json) return new JsonReporter(io);
  return io.stderr.isTTY ? new TtyReporter(io) : new PlainReporter(io);
}

function exitFor(gen: Generation): ExitCode {
  return gen.status === 'COMPLETED' ? ExitCode.OK : TERMINAL.has(gen.status) ? ExitCode.GENERATION_FAILED : ExitCode.OK;
}

/** Follows a generation to its end, reporting as it goes. */
async function follow(gateway: Gateway, reporter: WatchReporter, first: Generation, created: boolean, signal: AbortSignal): Promise<ExitCode> {
  reporter.begin(first, created);
  let last = first;
  if (!TERMINAL.has(first.status)) {
    const stream = gateway.follow(first.id, { onLost: () => reporter.lost(), onReconnected: () => reporter.reconnected(), signal });
    for await (const gen of stream) {
      last = gen;
      if (TERMINAL.has(gen.status)) break;
      reporter.update(gen);
    }
    if (signal.aborted && !TERMINAL.has(last.status)) {
      reporter.dispose();
      throw new CliError(`stopped watching; the generation goes on: cinegraph watch '${last.id}'`, ExitCode.INTERRUPTED, 'INTERRUPTED');
    }
    if (!TERMINAL.has(last.status)) {
      // The gateway ended the stream early (a restart, a shutdown): what is the state now?
      const now = await read(gateway, last.id).catch(() => last);
      if (!TERMINAL.has(now.status)) {
        reporter.dispose();
        throw new CliError(
          `the gateway stopped sending updates before the generation ended; resume with: cinegraph watch '${last.id}'`,
          ExitCode.CONNECTION,
          'STREAM_ENDED',
        );
      }
      last = now;
    }
  }
  reporter.end(last);
  return exitFor(last);
}

async function read(gateway: Gateway, id: string): Promise<Generation> {
  const { videoGeneration } = await gateway.request(ReadGenerationDocument, { id });
  if (!videoGeneration) throw new CliError(`no generation with id ${id} on this gateway`, ExitCode.USER_ERROR, 'NOT_FOUND');
  return videoGeneration;
}

function printGeneration(io: Io, gen: Generation): void {
  const lines: [string, string][] = [
    ['id', gen.id],
    ['status', `${gen.status} (provider: ${gen.providerStatus})`],
    ['progress', `${Math.round(gen.progress * 100)}%`],
    ['prompt', gen.prompt],
    ['model', gen.model],
    ['options', describeOptions(gen)],
  ];
  if (gen.firstFrame) lines.push(['first', gen.firstFrame.url]);
  if (gen.lastFrame) lines.push(['last', gen.lastFrame.url]);
  if (gen.negativePrompt) lines.push(['negative', gen.negativePrompt]);
  lines.push(['created', gen.createdAt]);
  if (gen.estimatedCompletionAt) lines.push(['expected', gen.estimatedCompletionAt]);
  if (gen.completedAt) lines.push(['ended', gen.completedAt]);
  if (gen.video) lines.push(['video', gen.video.url]);
  if (gen.error) lines.push(['error', `${gen.error.message} (${gen.error.code})`]);
  lines.push(['cost', formatCost(gen.usage) || 'not reported yet']);
  lines.push(['history', gen.transitions.map((t) => `${t.status} ${t.at}`).join(' → ')]);
  io.stdout.write(lines.map(([k, v]) => `${k.padEnd(9)} ${v}`).join('\n') + '\n');
}

export interface RunOptions {
  /** Aborted on Ctrl-C: watching stops, the generation goes on. */
  signal?: AbortSignal;
}

export async function run(argv: string[], env: CliEnv, io: Io, opts: RunOptions = {}): Promise<ExitCode> {
  const json = argv.includes('--json');
  const gateways: Gateway[] = [];
  try {
    const { command, positionals, values } = parse(argv);
    if (values.help || command === 'help' || command === null) {
      const topic = command === 'help' ? positionals[0] : command;
      const spec = topic ? COMMANDS[topic] : undefined;
      if (command === null && !values.help) {
        io.stderr.write(HELP);
        return ExitCode.USER_ERROR;
      }
      io.stdout.write(spec ? `Usage: ${spec.usage}\n\n${HELP}` : HELP);
      return ExitCode.OK;
    }
    const spec = COMMANDS[command];
    if (!spec) throw usageError(`unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}. See cinegraph --help`);
    for (const name of Object.keys(values) as OptionName[]) {
      if (!COMMON.includes(name) && !spec.options.includes(name)) throw usageError(`--${name} is not an option of ${command}. Usage: ${spec.usage}`);
    }
    if (positionals.length !== spec.args) {
      throw usageError(
        positionals.length < spec.args ? `missing argument. Usage: ${spec.usage}` : `unexpected argument "${positionals[spec.args]}". Usage: ${spec.usage}`,
      );
    }

    const url = values.url ?? env.CINEGRAPH_URL ?? DEFAULT_URL;
    if (!/^https?:\/\/[^/]/.test(url)) throw usageError(`--url must be an http(s) URL such as ${DEFAULT_URL} (got "${url}")`);
    const token = values.token ?? env.CINEGRAPH_TOKEN;
    const gateway = new Gateway({ url, token: token || undefined });
    gateways.push(gateway);
    const signal = opts.signal ?? new AbortController().signal;

    switch (command) {
      case 'generate': {
        const input: GenerateVideoInput = { prompt: positionals[0] as string };
        const set = <K extends keyof GenerateVideoInput>(key: K, v: GenerateVideoInput[K] | undefined): void => {
          if (v !== undefined) input[key] = v;
        };
        set('resolution', enumValue('resolution', values.resolution, RESOLUTIONS));
        set('duration', intValue('duration', values.duration));
        set('aspectRatio', enumValue('aspect-ratio', values['aspect-ratio'], ASPECT_RATIOS));
        set('style', enumValue('style', values.style, STYLES));
        set('seed', intValue('seed', values.seed));
        set('negativePrompt', values['negative-prompt']);
        set('idempotencyKey', values['idempotency-key']);
        const uploads: Upload[] = [];
        for (const [flag, field] of [['first-frame', 'firstFrame'], ['last-frame', 'lastFrame']] as const) {
          const value = values[flag];
          if (value === undefined) continue;
          const frame = await frameInput(flag, value, field);
          input[field] = frame.input;
          if (frame.upload) uploads.push(frame.upload);
        }
        const { generateVideo } = await gateway.request(StartGenerationDocument, { input }, uploads);
        if (!generateVideo.generation) {
          printUserErrors(io, json, generateVideo.userErrors);
          const first = generateVideo.userErrors[0];
          return first ? exitCodeForUserError(first.code) : ExitCode.UNEXPECTED;
        }
        const gen = generateVideo.generation;
        if (values['no-watch']) {
          if (json) io.stdout.write(`${JSON.stringify({ type: 'started', generation: gen })}\n`);
          else {
            io.stderr.write(`started ${gen.id} (${describeOptions(gen)}); follow it with: cinegraph watch '${gen.id}'\n`);
            io.stdout.write(`${gen.id}\n`);
          }
          return ExitCode.OK;
        }
        return await follow(gateway, reporterFor(io, json), gen, true, signal);
      }
      case 'watch': {
        const gen = await read(gateway, positionals[0] as string);
        return await follow(gateway, reporterFor(io, json), gen, false, signal);
      }
      case 'status': {
        const gen = await read(gateway, positionals[0] as string);
        if (json) io.stdout.write(`${JSON.stringify({ type: 'generation', generation: gen })}\n`);
        else printGeneration(io, gen);
        return exitFor(gen);
      }
      case 'list': {
        const first = intValue('first', values.first);
        const statuses = values.status?.flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()).filter(Boolean);
        const wanted: VideoGenerationStatus[] = [];
        for (const s of statuses ?? []) {
          if (!isStatus(s)) throw usageError(`--status must be one of ${STATUSES.join(', ')} (got "${s}")`);
          wanted.push(s);
        }
        const page = await gateway.request(GenerationHistoryDocument, {
          first: first ?? null,
          after: values.after ?? null,
          status: wanted.length ? wanted : null,
        });
        const { edges, pageInfo } = page.videoGenerations;
        if (json) {
          for (const e of edges) io.stdout.write(`${JSON.stringify({ type: 'generation', cursor: e.cursor, generation: e.node })}\n`);
          io.stdout.write(`${JSON.stringify({ type: 'pageInfo', pageInfo })}\n`);
          return ExitCode.OK;
        }
        if (edges.length === 0) io.stderr.write('no generations\n');
        for (const { node } of edges) {
          const prompt = node.prompt.length > 60 ? `${node.prompt.slice(0, 59)}…` : node.prompt;
          const cost = formatCost(node.usage);
          io.stdout.write(`${node.id}  ${node.status.padEnd(10)}  ${node.createdAt}  ${describeOptions({ ...node, seed: null })}  ${cost ? `${prompt.padEnd(60)}  ${cost}` : prompt}\n`);
        }
        if (pageInfo.hasNextPage && pageInfo.endCursor) io.stderr.write(`more: cinegraph list --after '${pageInfo.endCursor}'\n`);
        return ExitCode.OK;
      }
      case 'add-webhook':
        return await addWebhook(gateway, io, json, positionals[0] as string, parseEvents(values.event), (errors) => printUserErrors(io, json, errors));
      case 'webhooks':
        return await listWebhooks(gateway, io, json);
      default:
        throw usageError(`unknown command "${command}"`);
    }
  } catch (err) {
    const e =
      err instanceof CliError ? err : new CliError(err instanceof Error ? err.message : String(err), ExitCode.UNEXPECTED, 'UNEXPECTED');
    if (json) io.stdout.write(`${JSON.stringify({ type: 'error', code: e.code, message: e.message, exitCode: e.exitCode })}\n`);
    else io.stderr.write(`${e.exitCode === ExitCode.INTERRUPTED ? '' : 'error: '}${e.message}\n`);
    return e.exitCode;
  } finally {
    await Promise.allSettled(gateways.map((g) => g.close()));
  }
}
