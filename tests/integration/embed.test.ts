// docs/embedding.md end to end: build-embed for /admin/, a node-like host serving it with the
// strict CSP and the JSON API, and a real Chromium loading it without a CSP violation.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, requireChromium } from '../../scripts/chromium.ts';
import { findInlineCode } from '../../scripts/embed.ts';
import { createJsonApi } from '../../server/http/jsonApi.ts';
import { CREDENTIALS, samplerBackend } from '../helpers/jsonApiFixture.ts';
import { EMBED_CSP, serveEmbedded, type EmbedHost } from '../helpers/embedHost.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keyviz-embed-'));
const out = join(dir, 'bundle');

describe('an embedded bundle under /admin/', () => {
  let host: EmbedHost;
  let browser: Browser;

  beforeAll(async () => {
    await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/build-embed.ts', '--base', '/admin/', '--out', out],
      { cwd: join(import.meta.dirname, '../..'), timeout: 120_000 },
    );
    const api = createJsonApi({
      backend: samplerBackend(),
      credentials: CREDENTIALS,
      nodeId: 'n1',
      version: '1',
    });
    host = await serveEmbedded(out, '/admin/', api);
    browser = await chromium.launch({ executablePath: requireChromium(), args: CHROMIUM_ARGS });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds for the base path with no inline code', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(findInlineCode(html)).toEqual([]);
    expect(html).toMatch(/<script type="module" crossorigin src="\/admin\/assets\/[^"]+\.js">/);
    const info = JSON.parse(readFileSync(join(out, 'keyviz-build.json'), 'utf8')) as {
      base: string;
    };
    expect(info.base).toBe('/admin/');
  });

  it('serves assets immutable, pages no-cache with the CSP, and falls back for routes only', async () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const asset = /src="(\/admin\/assets\/[^"]+)"/.exec(html)![1];
    const a = await fetch(host.url + asset);
    expect(a.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(a.headers.get('content-type')).toBe('text/javascript');
    const route = await fetch(`${host.url}/admin/keyviz?series=reads`);
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect(route.headers.get('content-security-policy')).toBe(EMBED_CSP);
    expect(await route.text()).toBe(html);
    expect((await fetch(`${host.url}/admin/assets/gone-123.js`)).status).toBe(404);
    expect((await fetch(`${host.url}/admin/api/v1/nope`)).status).toBe(404);
  });

  it('runs in Chromium under the CSP without a violation', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|CSP-VIOLATION/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error('CSP-VIOLATION', e.violatedDirective, e.blockedURI),
      );
    });
    await page.goto(`${host.url}/admin/`, { waitUntil: 'networkidle' });
    expect(await page.locator('#root').innerHTML()).not.toBe('');
    expect(problems).toEqual([]);
    await page.close();
  });
});
