/**
 * How the CLI shows a generation being followed: a live progress bar on a terminal, plain lines
 * when stderr is not a terminal (logs, CI), or one JSON object per event with --json. Progress
 * and status go to stderr; the result (the video URL) goes to stdout, so `$(cinegraph generate …)`
 * captures just the URL.
 */
import { ProgressCurve } from '../client/progress-curve.js';
import type { Generation } from './gateway.js';
import { TERMINAL } from './gateway.js';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
}

export interface WatchReporter {
  /** The generation just created (generate) or read (watch). */
  begin(gen: Generation, created: boolean): void;
  update(gen: Generation): void;
  lost(): void;
  reconnected(): void;
  /** The last state seen; prints the result. */
  end(gen: Generation): void;
  /** Stops timers; leaves the terminal clean. */
  dispose(): void;
}

/**
 * The bar between transitions: the curve shared with the demo page (src/client/progress-curve.js:
 * toward 90% at `estimatedCompletionAt`, then slowly toward 99%; 100% only when COMPLETED), and
 * never backwards.
 */
export class ProgressEstimate {
  private readonly curve = new ProgressCurve();
  private shown = 0;

  feed(gen: Generation, now: number): void {
    this.curve.feed(gen, now);
    this.shown = Math.max(this.shown, this.curve.base);
  }

  at(now: number): number {
    this.shown = Math.max(this.shown, this.curve.target(now));
    return this.shown;
  }

  /** Seconds until the estimated completion, or null when unknown or ended. */
  secondsLeft(now: number): number | null {
    return this.curve.secondsLeft(now);
  }
}

export function percent(p: number, status: string): string {
  const n = status === 'COMPLETED' ? 100 : Math.min(99, Math.floor(p * 100));
  return `${String(n).padStart(3)}%`;
}

export function describeOptions(gen: Pick<Generation, 'resolution' | 'duration' | 'aspectRatio' | 'style' | 'seed'>): string {
  const parts = [gen.resolution.replace(/^P/, '') + 'p', `${gen.duration} s`, gen.aspectRatio.replace(/^RATIO_/, '').replace('_', ':')];
  if (gen.style) parts.push(gen.style.toLowerCase());
  if (gen.seed !== null && gen.seed !== undefined) parts.push(`seed ${gen.seed}`);
  return parts.join(', ');
}

/**
 * What a generation cost, as the provider reported it: `400,000 credits`, with dollars when the
 * provider gave them; empty when nothing has been reported yet.
 */
export function formatCost(usage: { credits?: number | null; usd?: number | null } | null | undefined): string {
  if (!usage) return '';
  const parts: string[] = [];
  if (usage.credits !== null && usage.credits !== undefined) parts.push(`${usage.credits.toLocaleString('en-US')} credits`);
  if (usage.usd !== null && usage.usd !== undefined) parts.push(`$${usage.usd.toFixed(usage.usd < 1 ? 4 : 2)}`);
  return parts.join(', ');
}

function endMessage(gen: Generation): string {
  if (gen.status === 'COMPLETED') return `completed: ${gen.video?.url ?? '(no URL)'}`;
  return `${gen.status === 'FAILED' ? 'failed' : 'timed out'}: ${gen.error ? `${gen.error.message} (${gen.error.code})` : 'no reason given'}`;
}

/** One JSON object per line on stdout: started/current, update per transition, connection, done. */
export class JsonReporter implements WatchReporter {
  private last = '';
  constructor(private readonly io: Io) {}
  private line(obj: Record<string, unknown>): void {
    this.io.stdout.write(`${JSON.stringify(obj)}\n`);
  }
  begin(gen: Generation, created: boolean): void {
    this.last = `${gen.status}/${gen.providerStatus}`;
    this.line({ type: created ? 'started' : 'current', generation: gen });
  }
  update(gen: Generation): void {
    // The subscription opens with the current state, which `begin` has already shown.
    const key = `${gen.status}/${gen.providerStatus}`;
    if (key === this.last) return;
    this.last = key;
    this.line({ type: 'update', generation: gen });
  }
  lost(): void {
    this.line({ type: 'connection', state: 'lost' });
  }
  reconnected(): void {
    this.line({ type: 'connection', state: 'reconnected' });
  }
  end(gen: Generation): void {
    this.update(gen);
    this.line({
      type: 'done',
      id: gen.id,
      status: gen.status,
      videoUrl: gen.video?.url ?? null,
      error: gen.error,
    });
  }
  dispose(): void {}
}

/** A line per status change on stderr; the video URL on stdout. */
export class PlainReporter implements WatchReporter {
  private lastStatus = '';
  constructor(
    private readonly io: Io,
    private readonly now: () => number = Date.now,
  ) {}
  private log(s: string): void {
    this.io.stderr.write(`${s}\n`);
  }
  begin(gen: Generation, created: boolean): void {
    this.log(`${created ? 'started' : 'watching'} ${gen.id} (${describeOptions(gen)})`);
    this.update(gen);
  }
  update(gen: Generation): void {
    if (gen.status === this.lastStatus) return;
    this.lastStatus = gen.status;
    const eta = gen.estimatedCompletionAt ? Math.max(0, Math.round((Date.parse(gen.estimatedCompletionAt) - this.now()) / 1000)) : null;
    const left = eta !== null && !TERMINAL.has(gen.status) ? `  about ${eta} s left` : '';
    this.log(`${gen.status.padEnd(10)} ${percent(gen.progress, gen.status)}  provider: ${gen.providerStatus}${left}`);
  }
  lost(): void {
    this.log('connection lost; reconnecting…');
  }
  reconnected(): void {
    this.log('reconnected');
  }
  end(gen: Generation): void {
    this.update(gen);
    if (gen.status === 'COMPLETED' && gen.video) this.io.stdout.write(`${gen.video.url}\n`);
    else this.log(endMessage(gen));
  }
  dispose(): void {}
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A bar redrawn in place on a terminal, a permanent line per transition above it. */
export class TtyReporter implements WatchReporter {
  private readonly estimate = new ProgressEstimate();
  private gen: Generation | null = null;
  private lastStatus = '';
  private timer: ReturnType<typeof setInterval> | null = null;
  private frame = 0;
  private note = '';

  constructor(
    private readonly io: Io,
    private readonly now: () => number = Date.now,
  ) {}

  private clear(): void {
    this.io.stderr.write('\r\x1b[2K');
  }

  private draw(): void {
    const gen = this.gen;
    if (!gen) return;
    const now = this.now();
    const p = this.estimate.at(now);
    const columns = this.io.stderr.columns || 80;
    const width = Math.max(10, Math.min(40, columns - 48));
    const filled = Math.round(p * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const left = this.estimate.secondsLeft(now);
    const spin = TERMINAL.has(gen.status) ? ' ' : SPINNER[this.frame++ % SPINNER.length];
    const tail = this.note || (left === null ? '' : left > 0 ? `~${left} s left` : 'any moment');
    const line = `${spin} ${gen.status.padEnd(10)} ${bar} ${percent(p, gen.status)}  ${tail}`;
    this.clear();
    this.io.stderr.write(line.slice(0, columns - 1));
  }

  private permanent(s: string): void {
    this.clear();
    this.io.stderr.write(`${s}\n`);
    this.draw();
  }

  begin(gen: Generation, created: boolean): void {
    this.permanent(`${created ? 'Started' : 'Watching'} ${gen.id} (${describeOptions(gen)})`);
    this.update(gen);
    this.timer ??= setInterval(() => this.draw(), 100);
    this.timer.unref?.();
  }

  update(gen: Generation): void {
    this.gen = gen;
    this.estimate.feed(gen, this.now());
    if (gen.status !== this.lastStatus) {
      this.lastStatus = gen.status;
      const at = gen.transitions.at(-1)?.at;
      const time = at ? new Date(at).toLocaleTimeString() : '';
      this.permanent(`  ${gen.status === 'COMPLETED' ? '✔' : TERMINAL.has(gen.status) ? '✖' : '•'} ${gen.status} (provider: ${gen.providerStatus}) ${time}`);
    } else {
      this.draw();
    }
  }

  lost(): void {
    this.note = 'connection lost, reconnecting…';
    this.draw();
  }

  reconnected(): void {
    this.note = '';
    this.draw();
  }

  end(gen: Generation): void {
    this.update(gen);
    this.dispose();
    if (gen.status === 'COMPLETED' && gen.video) this.io.stdout.write(`${gen.video.url}\n`);
    else this.io.stderr.write(`${endMessage(gen)}\n`);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.gen) {
      this.draw();
      this.io.stderr.write('\n');
      this.gen = null;
    }
  }
}
