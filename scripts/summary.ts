// Counts tests from the runners' own JSON reports (vitest and Playwright); neither
// prints a plain "N passed, N failed" line of its own.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  details: string[];
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  testResults?: { status: string; message?: string; assertionResults: unknown[] }[];
}

interface PwSpecTest {
  status: 'expected' | 'unexpected' | 'flaky' | 'skipped';
}
interface PwSuite {
  suites?: PwSuite[];
  specs?: { tests: PwSpecTest[] }[];
}
interface PwReport {
  suites: PwSuite[];
  errors?: unknown[];
}

function walk(suite: PwSuite, c: Counts): void {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests) {
      if (t.status === 'expected' || t.status === 'flaky') c.passed++;
      else if (t.status === 'skipped') c.skipped++;
      else c.failed++;
    }
  }
  for (const s of suite.suites ?? []) walk(s, c);
}

export function countReports(dir: string): Counts {
  const c: Counts = { passed: 0, failed: 0, skipped: 0, details: [] };
  const vPath = join(dir, 'vitest.json');
  if (existsSync(vPath)) {
    const v = JSON.parse(readFileSync(vPath, 'utf8')) as VitestReport;
    // A file that failed to load has no assertion results: count it as a failure.
    const brokenFiles = (v.testResults ?? []).filter(
      (f) => f.status === 'failed' && f.assertionResults.length === 0,
    ).length;
    c.passed += v.numPassedTests;
    c.failed += v.numFailedTests + brokenFiles;
    c.skipped += v.numPendingTests + v.numTodoTests;
    c.details.push(
      `vitest: ${v.numPassedTests} passed, ${v.numFailedTests + brokenFiles} failed, ${v.numPendingTests + v.numTodoTests} skipped`,
    );
  } else {
    c.details.push('vitest: no report (did not run)');
  }
  const pPath = join(dir, 'playwright.json');
  if (existsSync(pPath)) {
    const p = JSON.parse(readFileSync(pPath, 'utf8')) as PwReport;
    const pc: Counts = { passed: 0, failed: 0, skipped: 0, details: [] };
    for (const s of p.suites) walk(s, pc);
    pc.failed += p.errors?.length ?? 0;
    c.passed += pc.passed;
    c.failed += pc.failed;
    c.skipped += pc.skipped;
    c.details.push(`playwright: ${pc.passed} passed, ${pc.failed} failed, ${pc.skipped} skipped`);
  } else {
    c.details.push('playwright: no report (did not run)');
  }
  return c;
}

export function formatSummary(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed` + (c.skipped ? `, ${c.skipped} skipped` : '');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatSummary(countReports(process.argv[2] ?? 'reports')));
}
