import { describe, expect, it } from 'vitest';
import {
  callContextFrom,
  childTraceparent,
  currentCallContext,
  isValidTraceparent,
  newTraceparent,
  parseTraceparent,
  runInCallContext,
  traceIdOf,
} from '../../src/internal/call-context.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const VALID = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('traceparent (W3C Trace Context level 1)', () => {
  it.each([
    [VALID, { version: '00', traceId: TRACE_ID, parentId: '00f067aa0ba902b7', flags: '01' }],
    [
      `00-${TRACE_ID}-00f067aa0ba902b7-00`,
      { version: '00', traceId: TRACE_ID, parentId: '00f067aa0ba902b7', flags: '00' },
    ],
    // A later version may carry more fields; they are read past.
    [
      `01-${TRACE_ID}-00f067aa0ba902b7-01-extra`,
      { version: '01', traceId: TRACE_ID, parentId: '00f067aa0ba902b7', flags: '01' },
    ],
    // 512 characters: the longest value read.
    [
      `01-${TRACE_ID}-00f067aa0ba902b7-01-${'a'.repeat(456)}`,
      { version: '01', traceId: TRACE_ID, parentId: '00f067aa0ba902b7', flags: '01' },
    ],
  ])('reads %s', (value, parts) => {
    expect(parseTraceparent(value)).toEqual(parts);
    expect(isValidTraceparent(value)).toBe(true);
    expect(traceIdOf(value)).toBe(TRACE_ID);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['version ff', `ff-${TRACE_ID}-00f067aa0ba902b7-01`],
    ['version 00 with an extra field', `00-${TRACE_ID}-00f067aa0ba902b7-01-x`],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent id', `00-${TRACE_ID}-0000000000000000-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01`],
    ['a short trace id', '00-4bf92f3577b34da6-00f067aa0ba902b7-01'],
    ['no flags', `00-${TRACE_ID}-00f067aa0ba902b7`],
    ['longer than 512 characters', `01-${TRACE_ID}-00f067aa0ba902b7-01-${'a'.repeat(457)}`],
    ['something before the version', `x00-${TRACE_ID}-00f067aa0ba902b7-01`],
    ['something after the flags', `00-${TRACE_ID}-00f067aa0ba902b7-01x`],
  ])('refuses %s', (_, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
    expect(isValidTraceparent(value)).toBe(false);
    expect(traceIdOf(value)).toBeUndefined();
  });

  it('makes new traces and children: valid, the child in the same trace with a new parent id', () => {
    const fresh = new Set(Array.from({ length: 300 }, () => newTraceparent()));
    expect(fresh.size).toBe(300);
    for (const value of fresh) expect(value).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const child = childTraceparent(`00-${TRACE_ID}-00f067aa0ba902b7-00`);
    expect(child).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
    expect(child.split('-')[2]).not.toBe('00f067aa0ba902b7');
    // A parent that is not valid starts a new trace.
    expect(traceIdOf(childTraceparent('garbage'))).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf(childTraceparent(undefined))).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('the call context', () => {
  it('is there inside runInCallContext and its async continuations, not outside, and nests', async () => {
    expect(currentCallContext()).toBeUndefined();
    await runInCallContext({ requestId: 'outer', traceparent: VALID }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentCallContext()).toEqual({ requestId: 'outer', traceparent: VALID });
      runInCallContext({ requestId: 'inner' }, () => expect(currentCallContext()).toEqual({ requestId: 'inner' }));
      expect(currentCallContext()?.requestId).toBe('outer');
    });
    expect(currentCallContext()).toBeUndefined();
  });

  it('is a copy the caller cannot change afterwards', () => {
    const given = { requestId: 'a', traceparent: VALID };
    runInCallContext(given, () => {
      given.requestId = 'b';
      expect(currentCallContext()?.requestId).toBe('a');
      expect(Object.isFrozen(currentCallContext())).toBe(true);
    });
  });

  it.each([
    [
      { requestId: 'r1', traceparent: VALID },
      { requestId: 'r1', traceparent: VALID },
    ],
    [{ traceparent: VALID }, { traceparent: VALID }],
    [
      { requestId: 'r1', traceparent: 'bad' },
      { requestId: 'r1', traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-/) },
    ],
    [{}, { traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) }],
  ])('of a message or job %j: %j', (origin, context) => {
    expect(callContextFrom(origin)).toEqual(context);
  });
});
