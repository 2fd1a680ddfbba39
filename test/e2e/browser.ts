/**
 * Headless Chromium for the end-to-end tests: Debian's `chromium` driven by playwright-core (no
 * browser download, no network). Without /usr/bin/chromium the browser tests are skipped loudly on
 * a developer machine, and fail in CI (CI=true), where .ci/run installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const available = existsSync(CHROMIUM_PATH);
const inCi = process.env.CI === 'true';

/** `describe`, or `describe.skip` with a loud warning when Chromium is missing outside CI. */
export function describeInBrowser(name: string, fn: () => void): void {
  if (!available && !inCi) {
    console.warn(
      `\n!!! SKIPPING browser tests "${name}": chromium is not installed at ${CHROMIUM_PATH}.\n` +
        '!!! Install it with: apt-get update && apt-get install -y chromium  (CI never skips these)\n',
    );
    describe.skip(name, fn);
    return;
  }
  describe(name, fn);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 20_000 });
}
