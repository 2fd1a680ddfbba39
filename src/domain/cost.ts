/**
 * What generations cost, in the provider's credits (`meta.usage.credits_used`), and what one is
 * expected to cost before the provider has said.
 *
 * The expected cost of a shape (model, resolution and duration) is the last figure the provider
 * reported for that shape. A shape never seen yet is scaled from the nearest seen one of the same
 * model (of any model when that one has none) by the relative prices published for PixVerse v5
 * (per clip: 360p and 540p the same, 720p 4/3 of that, 1080p twice 720p; 8 s twice 5 s). With
 * nothing seen at all there is no estimate (0): the spend check then holds at the limit itself.
 */
import { modelOf, type Duration, type Generation, type GenerationStatus, type Resolution, type Usage, type VideoModel } from './generation.js';

/** What one generation counts against its owner's spend: what `GenerationStore.spendSince` returns. */
export interface SpendRecord {
  id: string;
  createdAt: number;
  status: GenerationStatus;
  resolution: Resolution;
  duration: Duration;
  model: VideoModel;
  /** False when the gateway adopted an id it did not create: that one was not spent here. */
  inputKnown: boolean;
  usage: Usage | null;
}

export function toSpendRecord(gen: Generation): SpendRecord {
  return {
    id: gen.id,
    createdAt: gen.createdAt,
    status: gen.status,
    resolution: gen.input.resolution,
    duration: gen.input.duration,
    model: modelOf(gen.input),
    inputKnown: gen.inputKnown,
    usage: gen.usage,
  };
}

/** Relative price of each shape (published per-clip prices, in whole steps so ratios stay exact). */
const RELATIVE_PRICE: Record<Resolution, number> = { '360p': 3, '540p': 3, '720p': 4, '1080p': 8 };
const DURATION_FACTOR: Record<Duration, number> = { 5: 1, 8: 2 };

function relativePrice(resolution: Resolution, duration: Duration): number {
  return RELATIVE_PRICE[resolution] * DURATION_FACTOR[duration];
}

/** What a generation's price depends on; the model is text-to-video when not given. */
export interface Shape {
  resolution: Resolution;
  duration: Duration;
  model?: VideoModel;
}
const modelOfShape = (s: Shape): VideoModel => s.model ?? 'text-to-video';
const shapeKey = (s: Shape): string => `${modelOfShape(s)}|${s.resolution}|${s.duration}`;

export class CostEstimator {
  /** Last reported credits per shape, with its relative price for scaling. */
  private readonly seen = new Map<string, { credits: number; relative: number; model: VideoModel }>();

  /** Learns from a generation whose provider reported its credits. */
  observe(rec: Shape & { inputKnown: boolean; usage: Usage | null }): void {
    const credits = rec.usage?.creditsUsed;
    if (!rec.inputKnown || credits === null || credits === undefined || !Number.isFinite(credits) || credits < 0) return;
    this.seen.set(shapeKey(rec), { credits, relative: relativePrice(rec.resolution, rec.duration), model: modelOfShape(rec) });
  }

  /** The credits a generation of this shape is expected to cost; 0 while nothing is known. */
  expected(shape: Shape): number {
    const exact = this.seen.get(shapeKey(shape));
    if (exact) return exact.credits;
    const want = relativePrice(shape.resolution, shape.duration);
    const model = modelOfShape(shape);
    let best: { credits: number; relative: number; model: VideoModel } | null = null;
    const distance = (s: { relative: number; model: VideoModel }): number =>
      (s.model === model ? 0 : 100) + Math.abs(Math.log(s.relative / want));
    for (const s of this.seen.values()) if (!best || distance(s) < distance(best)) best = s;
    return best ? (best.credits * want) / best.relative : 0;
  }

  /**
   * What a generation counts against its owner's spend: the provider's figure once reported;
   * until then its expected cost while it may still be charged (pending, completed, timed out
   * and possibly completing late), and nothing once it failed.
   */
  costOf(rec: SpendRecord): number {
    // An id the caller only looked up was created (and paid for) outside this gateway.
    if (!rec.inputKnown) return 0;
    const credits = rec.usage?.creditsUsed;
    if (credits !== null && credits !== undefined && Number.isFinite(credits)) return Math.max(0, credits);
    if (rec.status === 'FAILED') return 0;
    return this.expected(rec);
  }
}
