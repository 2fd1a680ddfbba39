// @ts-check
/**
 * The progress bar's curve between status transitions, one implementation for every client: the
 * CLI imports it (src/cli/output.ts), and the gateway serves this very file to the demo page
 * (src/server/routes/demo.ts, for src/server/demo/app.js). Plain JavaScript with JSDoc types, so
 * a browser runs it as is; progress-curve.d.ts declares the same for TypeScript.
 *
 * The gateway sends progress only with a transition. Between two, the bar moves from the last
 * reported value in a straight line to 90% at `estimatedCompletionAt` (the gateway's own estimate
 * follows the same line), then, when overdue, slowly toward 99%; it reaches 100% only when
 * COMPLETED. Callers keep the bar from going backwards: `target()` may be below what was shown.
 */

/** The statuses a generation ends in. */
export const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT']);

/** Where the line from the last reported progress arrives at the estimated completion time. */
export const ON_SCHEDULE = 0.9;

/** What an overdue generation's bar approaches, and never reaches before COMPLETED. */
export const PENDING_CAP = 0.99;

/**
 * @typedef {object} ProgressSample What the curve needs of a generation.
 * @property {string} status
 * @property {number} progress 0..1, as the gateway reported it.
 * @property {string | null} estimatedCompletionAt ISO-8601, or null when unknown.
 * @property {string} createdAt ISO-8601.
 */

export class ProgressCurve {
  /** @type {string | null} The last status fed; null before the first. */
  status = null;
  /** The highest progress reported so far. */
  base = 0;
  /** When (ms since the epoch) `base` was last fed. */
  baseAt = 0;
  /** @type {number | null} The estimated completion time (ms since the epoch), or null. */
  eta = null;
  /** How long the whole generation is expected to take, to pace the overdue part. */
  expectedMs = 30_000;

  /**
   * A new state from the gateway (a transition, or the current state on (re)subscribing).
   * @param {ProgressSample} gen
   * @param {number} now ms since the epoch
   */
  feed(gen, now) {
    this.status = gen.status;
    this.base = Math.max(this.base, gen.progress);
    this.baseAt = now;
    this.eta = gen.estimatedCompletionAt ? Date.parse(gen.estimatedCompletionAt) : null;
    if (this.eta !== null) this.expectedMs = Math.max(1000, this.eta - Date.parse(gen.createdAt));
  }

  /**
   * Where the bar should be at `now`, 0..1.
   * @param {number} now ms since the epoch
   * @returns {number}
   */
  target(now) {
    if (this.status === 'COMPLETED') return 1;
    if (this.status === null || TERMINAL.has(this.status) || this.eta === null) return this.base;
    const from = Math.max(this.base, ON_SCHEDULE);
    if (now < this.eta) {
      const f = Math.min(1, Math.max(0, (now - this.baseAt) / Math.max(1, this.eta - this.baseAt)));
      return this.base + (from - this.base) * f;
    }
    // Overdue: keep moving, slowly, toward the cap (a frozen bar looks broken).
    const overdue = (now - this.eta) / Math.max(1000, this.expectedMs);
    return from + (PENDING_CAP - from) * (1 - Math.exp(-2 * overdue));
  }

  /**
   * Whole seconds until the estimated completion (0 once overdue), or null when unknown or ended.
   * @param {number} now ms since the epoch
   * @returns {number | null}
   */
  secondsLeft(now) {
    if (this.eta === null || this.status === null || TERMINAL.has(this.status)) return null;
    return Math.max(0, Math.round((this.eta - now) / 1000));
  }
}
