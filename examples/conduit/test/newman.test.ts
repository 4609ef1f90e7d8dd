/**
 * RealWorld's official API test suite (its Postman collection, unmodified), run by newman against
 * the running Conduit: every request and every assertion must pass, on PGlite and on PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestConduit, type TestConduit } from './support/conduit.js';

const COLLECTION = path.resolve(import.meta.dirname, 'realworld/Conduit.postman_collection.json');
const NEWMAN = createRequire(import.meta.url).resolve('newman/bin/newman.js');

interface NewmanReport {
  run: {
    stats: Record<'requests' | 'assertions' | 'testScripts', { total: number; failed: number }>;
    failures: { error: { name: string; message: string; test?: string }; source?: { name?: string } }[];
  };
}

/** Runs the collection as the README says to, with newman's JSON reporter; resolves with its report. */
async function runNewman(apiUrl: string): Promise<NewmanReport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'conduit-newman-'));
  const report = path.join(dir, 'report.json');
  try {
    await new Promise<void>((resolve, reject) => {
      // --delay-request is left at its default, 0: newman 6.2's CLI refuses an explicit `0`.
      const args = [
        NEWMAN,
        'run',
        COLLECTION,
        '--global-var',
        `APIURL=${apiUrl}`,
        '--global-var',
        'USERNAME=u1',
        '--global-var',
        'EMAIL=u1@mail.com',
        '--global-var',
        'PASSWORD=password',
      ];
      execFile(
        process.execPath,
        [...args, '--reporters', 'json', '--reporter-json-export', report],
        { timeout: 45_000 },
        (error, _stdout, stderr) => {
          // newman exits 1 when an assertion fails; the report says which, so read it either way.
          if (error && error.code !== 1) reject(new Error(`newman did not run: ${error.message}\n${stderr}`));
          else resolve();
        },
      );
    });
    return JSON.parse(await readFile(report, 'utf8')) as NewmanReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.each(BACKENDS)('the RealWorld API test suite on %s', (backend) => {
  let conduit: TestConduit;
  beforeAll(async () => {
    conduit = await startTestConduit(backend);
  });
  afterAll(() => conduit?.stop());

  it('passes every request and every assertion', async () => {
    const { run } = await runNewman(conduit.url);
    const failures = run.failures.map(
      (f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.name}: ${f.error.message}`,
    );
    expect(failures).toEqual([]);
    expect(run.stats.requests.failed).toBe(0);
    expect(run.stats.testScripts.failed).toBe(0);
    // The collection holds 32 requests and over 300 assertions; a run that stopped early has fewer.
    expect(run.stats.requests.total).toBe(32);
    expect(run.stats.assertions.total).toBeGreaterThan(300);
    expect(conduit.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});
