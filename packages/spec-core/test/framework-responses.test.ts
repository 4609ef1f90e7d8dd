import { describe, expect, it } from 'vitest';
import { FRAMEWORK_RESPONSES, frameworkResponsesFor, isGuarded, type OperationShape } from '../src/index.js';

describe('the responses the runtime sends on its own', () => {
  it.each([
    [{ parameters: false, body: false, guarded: false }, [500]],
    [{ parameters: true, body: false, guarded: false }, [400, 500]],
    [{ parameters: false, body: true, guarded: false }, [400, 413, 415, 500]],
    [{ parameters: false, body: false, guarded: true }, [401, 500]],
    [{ parameters: true, body: true, guarded: true }, [400, 401, 413, 415, 500]],
  ] as [OperationShape, number[]][])('%o gets %o', (shape, statuses) => {
    expect(frameworkResponsesFor(shape).map((r) => r.status)).toEqual(statuses);
  });

  it('never gives an operation the 404 and 405 of requests that reach no operation', () => {
    const every = frameworkResponsesFor({ parameters: true, body: true, guarded: true }).map((r) => r.status);
    expect(every).not.toContain(404);
    expect(every).not.toContain(405);
    expect(FRAMEWORK_RESPONSES[404].scope).toBe('no-operation');
    expect(FRAMEWORK_RESPONSES[405].scope).toBe('no-operation');
  });

  it.each([
    [[], false, 'public'],
    [[['bearer']], true, 'one scheme'],
    [[['bearer', 'apiKey']], true, 'an AND of schemes'],
    [[['bearer'], ['apiKey']], true, 'an OR of schemes'],
    [[[], ['bearer']], false, 'the anonymous alternative `{}` lets every request through'],
    [[['bearer'], []], false, 'wherever it is listed'],
  ] as [string[][], boolean, string][])('isGuarded(%j) is %s (%s)', (security, guarded) => {
    expect(isGuarded(security)).toBe(guarded);
  });

  it('keys each response by its status, with a name fit for components.responses', () => {
    for (const [status, response] of Object.entries(FRAMEWORK_RESPONSES)) {
      expect(String(response.status)).toBe(status);
      expect(response.name).toMatch(/^[A-Za-z]+$/);
    }
  });
});
