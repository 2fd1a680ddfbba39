/**
 * Types of progress-curve.js, the progress curve shared by the CLI and the demo page (which loads
 * the JavaScript file as is, so it stays JavaScript). Keep the two in step.
 */

/** The statuses a generation ends in. */
export declare const TERMINAL: ReadonlySet<string>;

/** Where the line from the last reported progress arrives at the estimated completion time. */
export declare const ON_SCHEDULE: number;

/** What an overdue generation's bar approaches, and never reaches before COMPLETED. */
export declare const PENDING_CAP: number;

/** What the curve needs of a generation. */
export interface ProgressSample {
  status: string;
  /** 0..1, as the gateway reported it. */
  progress: number;
  /** ISO-8601, or null when unknown. */
  estimatedCompletionAt: string | null;
  /** ISO-8601. */
  createdAt: string;
}

export declare class ProgressCurve {
  /** The last status fed; null before the first. */
  status: string | null;
  /** The highest progress reported so far. */
  base: number;
  /** When (ms since the epoch) `base` was last fed. */
  baseAt: number;
  /** The estimated completion time (ms since the epoch), or null. */
  eta: number | null;
  /** How long the whole generation is expected to take, to pace the overdue part. */
  expectedMs: number;
  /** A new state from the gateway (a transition, or the current state on (re)subscribing). */
  feed(gen: ProgressSample, now: number): void;
  /** Where the bar should be at `now`, 0..1; may be below what was shown, callers never go back. */
  target(now: number): number;
  /** Whole seconds until the estimated completion (0 once overdue), or null when unknown or ended. */
  secondsLeft(now: number): number | null;
}
