// Where the test runners find a real Chromium. Never a downloaded browser build:
// these machines reach only the npm registry and Debian's packages.
import { existsSync } from 'node:fs';

const ENV_VARS = ['KEYVIZ_CHROMIUM', 'CHROMIUM_PATH', 'CHROME_PATH'];
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const INSTALL_COMMAND = 'sudo apt-get update && sudo apt-get install -y chromium';

export function findChromium(): string | undefined {
  for (const name of ENV_VARS) {
    const v = process.env[name];
    if (v && existsSync(v)) return v;
  }
  return CANDIDATES.find((p) => existsSync(p));
}

/** What `npm test` prints when there is no Chromium (it installs nothing itself). */
export function missingChromiumAdvice(): string {
  return (
    `npm test needs a Chromium for its browser tests and found none.\n` +
    `Install one with:\n  ${INSTALL_COMMAND}\n` +
    `or point KEYVIZ_CHROMIUM at a Chrome/Chromium binary.`
  );
}

/** Flags that keep Chromium quiet on a machine with no internet. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The path, or an error naming how to get one: browser tests never skip silently. */
export function requireChromium(): string {
  const found = findChromium();
  if (!found) {
    throw new Error(
      `No Chromium found (looked at $${ENV_VARS.join(', $')} and ${CANDIDATES.join(', ')}). ` +
        `Install one with: ${INSTALL_COMMAND}`,
    );
  }
  return found;
}
