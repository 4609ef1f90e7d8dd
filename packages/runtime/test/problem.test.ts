import { describe, expect, it } from 'vitest';
import { HttpProblem, isHttpProblem } from '../src/index.js';

describe('HttpProblem', () => {
  it('serialises to an RFC 9457 body without stack or internals', () => {
    const problem = new HttpProblem(409, 'Conflict', {
      detail: 'e-mail already registered',
      extensions: { email: 'a@b.test' },
    });
    expect(JSON.parse(JSON.stringify(problem))).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'e-mail already registered',
      email: 'a@b.test',
    });
    expect(isHttpProblem(problem)).toBe(true);
    expect(isHttpProblem(new Error('x'))).toBe(false);
  });

  it('never lets an extension overwrite a standard member', () => {
    const problem = new HttpProblem(404, 'Not Found', { extensions: { status: 200, title: 'OK' } });
    expect(problem.toJSON()).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('refuses statuses that are not errors', () => {
    expect(() => new HttpProblem(200, 'OK')).toThrow(RangeError);
    expect(() => new HttpProblem(600, 'Nope')).toThrow(/400–599/);
  });
});
