// Issue 13 item 8: `npm test` never installs a browser (no apt-get, no sudo, no download); without
// a Chromium it stops and prints the command that gets one. CI's .ci/run is what installs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INSTALL_COMMAND, missingChromiumAdvice } from '../../scripts/chromium.ts';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('npm test and Chromium', () => {
  it('the advice names the install command and the override variable', () => {
    const text = missingChromiumAdvice();
    expect(text).toContain(INSTALL_COMMAND);
    expect(text).toContain('KEYVIZ_CHROMIUM');
  });

  it('scripts/test.ts runs no installer (only prints the advice)', () => {
    const src = read('scripts/test.ts');
    // Nothing that installs or escalates is ever spawned.
    expect(src).not.toMatch(/run\(\s*['"](apt-get|apt|sudo|npx|dpkg)['"]/);
    expect(src).not.toMatch(/playwright['"],\s*\[\s*['"]install/);
    expect(src).toContain('missingChromiumAdvice()');
  });

  it('CI is where Chromium gets installed', () => {
    expect(read('.ci/run')).toMatch(/apt-get install -y -qq chromium/);
  });
});
