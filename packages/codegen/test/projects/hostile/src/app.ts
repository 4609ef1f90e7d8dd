import type * as M from '../generated/models.js';
import { createApiApp } from '../generated/routers/api/index.js';

/** Echoes what the controller received, and whether its prototype is still Object.prototype. */
export function hostileApp() {
  const seen: { protoIntact: boolean; ownKeys: string[] }[] = [];
  const app = createApiApp({
    x: {
      getThing: (request) => {
        // `Weird` has optional members named `toString` and `constructor`, which every object
        // literal inherits with other types, so TypeScript needs the cast; the value is plain JSON.
        const body = { 'a-b': request.params['thing-id'], 'with space': `${request.query.__proto__ ?? ''}/${request.query.constructor ?? ''}` } as unknown as M.Weird;
        return { status: 200, body };
      },
    },
    array: {
      createThing: (request) => {
        seen.push({ protoIntact: Object.getPrototypeOf(request.body) === Object.prototype, ownKeys: Object.keys(request.body).sort() });
        return { status: 201, body: request.body };
      },
    },
    xConsoleLogPWNED: {
      getNewlineTag: () => ({ status: 204 }),
    },
    constructor: {
      getGlobals: () => ({ status: 200, body: { record: 'r', lower: { lower: true }, upper: { upper: true } } }),
    },
  });
  return { app, seen };
}
