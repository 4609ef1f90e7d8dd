/**
 * The hostile battery's checks (docs/testing.md#the-hostile-battery): requests derived from a
 * target's published OpenAPI document, sent REPEATS times to a real server over real HTTP. Each
 * check is a test of its own and lists every offending request, not just the first. One test file
 * per target, so Vitest runs the targets side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeAnswer,
  hostileRequests,
  isDeclared,
  isMediaDeclared,
  leaks,
  send,
  type Answer,
  type HostileRequest,
} from './battery.js';
import type { Memory, Target } from './targets.js';

/** Repeats of the whole battery: the first warms the server up, the last shows whether memory keeps growing. */
const REPEATS = 3;
/**
 * After a full collection, from the first repeat to the last, RSS may grow this much: the allocator
 * and V8 keep pages they no longer need, so only a gross leak shows there (a retained body a request).
 */
const RSS_SLACK = 48 * 1024 * 1024;
/** The V8 heap in use is exact after a collection: a leak of a few KB a request shows (at least 4 MB are allowed). */
const HEAP_SLACK_PER_REQUEST = 4 * 1024;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Requests in flight at once: a little concurrency, as clients bring, on a machine shared with other suites. */
const CONCURRENCY = 4;

/** Every offending answer, one a line, after a count by status: empty when there is none. */
function offenders(title: string, answers: Answer[], describe = describeAnswer): string {
  if (answers.length === 0) return '';
  const byStatus = new Map<number, number>();
  for (const { status } of answers) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  const counts = [...byStatus].map(([status, count]) => `${count}x ${status}`).join(', ');
  return `${answers.length} ${title} (${counts}):\n${answers.map(describe).join('\n')}`;
}

/** Sends the baselines, then the rest CONCURRENCY at a time; the answers come back in the requests' order. */
async function sendAll(target: Target, requests: HostileRequest[]): Promise<Answer[]> {
  const origins = new Map(target.services.map((s) => [s.name, s.origin]));
  const answers: Answer[] = new Array<Answer>(requests.length);
  const sendOne = async (index: number) => {
    answers[index] = await send(origins.get(requests[index]!.service)!, requests[index]!);
  };
  // The baselines first, one at a time, so none finds its name taken by a hostile variant of it.
  const baselines = requests.flatMap((r, index) => (r.payload.startsWith('baseline') ? [index] : []));
  for (const index of baselines) await sendOne(index);
  const rest = requests.flatMap((r, index) => (r.payload.startsWith('baseline') ? [] : [index]));
  let next = 0;
  const worker = async () => {
    while (next < rest.length) await sendOne(rest[next++]!);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return answers;
}

export function hostileSuite(name: string, start: () => Promise<Target>): void {
  describe(`the hostile battery against ${name}`, () => {
    let target: Target;
    let requests: HostileRequest[];
    /** Every distinct answer of every repeat (by request and answer), and those of the first repeat. */
    const distinct = new Map<string, Answer>();
    let answers: Answer[] = [];
    let first: Answer[] = [];
    const memory: Memory[] = [];

    beforeAll(async () => {
      target = await start();
      requests = target.services.flatMap((service) => hostileRequests(service));
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        const repeated = await sendAll(target, requests);
        // Once per request and status: the same failure in every repeat is one offender.
        for (const answer of repeated) {
          const { service, method, path, payload } = answer.request;
          distinct.set(`${answer.status} ${service} ${method} ${path} ${payload}`, answer);
        }
        if (repeat === 0) first = repeated;
        // A process that died answers no more: the tests below say so, with what it wrote.
        if (target.exited()) break;
        memory.push(await target.memory());
        if (process.env['HOSTILE_DEBUG'])
          console.log(
            `repeat ${repeat}: ${requests.length} requests, at ${performance.now().toFixed(0)} ms, RSS ${mb(memory.at(-1)!.rss)}, heap ${mb(memory.at(-1)!.heap)}`,
          );
      }
      answers = [...distinct.values()];
    }, 600_000);

    afterAll(async () => {
      await target?.stop();
    });

    it('is a bounded battery that covers every operation', () => {
      const operations = new Set(requests.map((r) => `${r.service}.${r.operationId}`));
      const published = target.services.flatMap((s) =>
        Object.values(s.document.paths).flatMap((item) =>
          Object.values(item as Record<string, { operationId?: string }>)
            .filter((op) => typeof op === 'object' && op !== null && typeof op.operationId === 'string')
            .filter((op) => !s.skip?.includes(op.operationId!))
            .map((op) => `${s.name}.${op.operationId}`),
        ),
      );
      expect(published.length).toBeGreaterThan(0);
      for (const operation of published) expect(operations).toContain(operation);
      expect(requests.length).toBeLessThan(1_500);
    });

    it('gets past validation: each operation accepts its baseline, a request a well-behaved client sends', () => {
      // Otherwise the hostile variants of it would be refused before they reach the controller and the database.
      const refused = first.filter(
        (a) => a.request.payload.startsWith('baseline') && [400, 401, 415, 422].includes(a.status),
      );
      expect(offenders('baselines refused', refused)).toBe('');
    });

    it('answers every hostile request with a status below 500', () => {
      expect(
        offenders(
          'requests answered 5xx or not at all',
          answers.filter((a) => a.status >= 500 || a.status === 0),
        ),
      ).toBe('');
    });

    it('still answers afterwards: the process lives and every service answers its health request', async () => {
      expect(target.exited(), target.stderr()).toBeUndefined();
      for (const { service, path } of target.health) {
        const origin = target.services.find((s) => s.name === service)!.origin;
        expect((await fetch(origin + path)).status, `${service} ${path}`).toBe(200);
      }
    });

    it('leaks no stack trace, file path, SQL or database message', () => {
      const leaky = answers.filter((a) => leaks(a.text).length > 0);
      expect(offenders('responses that leak', leaky, (a) => `${leaks(a.text).join(', ')}: ${describeAnswer(a)}`)).toBe(
        '',
      );
    });

    it('lets no forged token in', () => {
      const accepted = answers.filter((a) => a.request.payload.startsWith('forged token') && a.status < 400);
      expect(offenders('forged tokens accepted', accepted)).toBe('');
    });

    it('answers only statuses the published OpenAPI document declares for the operation', () => {
      const undeclared = answers.filter((a) => a.status !== 0 && !isDeclared(a.request.declared, a.status));
      expect(
        offenders(
          'answers with an undeclared status',
          undeclared,
          (a) => `${describeAnswer(a)} (declares ${a.request.declared.join(', ')})`,
        ),
      ).toBe('');
    });

    it('answers with a body only in a media type the published document declares for that status', () => {
      const undeclared = answers.filter(
        (a) => a.status !== 0 && isDeclared(a.request.declared, a.status) && !isMediaDeclared(a, a.request.media),
      );
      expect(
        offenders(
          'answers with a body the document does not declare',
          undeclared,
          (a) => `${describeAnswer(a)} (${a.mediaType}; declares ${JSON.stringify(a.request.media)})`,
        ),
      ).toBe('');
    });

    it('does not grow its memory over repeats', () => {
      expect(memory.length, `the process ${target.exited()}`).toBe(REPEATS);
      const first = memory[0]!;
      const last = memory.at(-1)!;
      const seen = memory.map((m) => `RSS ${mb(m.rss)}, heap ${mb(m.heap)}`).join('; ');
      const message = `after each repeat of ${requests.length} requests: ${seen}`;
      expect(last.rss - first.rss, message).toBeLessThan(RSS_SLACK);
      const heapSlack = Math.max(4 * 1024 * 1024, HEAP_SLACK_PER_REQUEST * requests.length * (REPEATS - 1));
      expect(last.heap - first.heap, message).toBeLessThan(heapSlack);
    });
  });
}
