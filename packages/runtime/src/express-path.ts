/**
 * Whether an Express 5 route path matches a concrete path, decided the way Express's router
 * decides it: case-insensitively, with an optional trailing slash. Route paths use path-to-regexp
 * 8 syntax: `:name` and `:"name"` (one segment), `*name` (the rest), `{...}` (optional) and `\`
 * (escapes the next character). The runtime cannot import path-to-regexp (it is Express's
 * dependency, not ours), and this small reading of its syntax is enough to tell whether the spec
 * already serves a path.
 */
export function routeMatches(route: string, path: string): boolean {
  return new RegExp(`^${routePattern(route)}/?$`, 'iu').test(path);
}

const ID_START = /[$_\p{ID_Start}]/u;
const ID_CONTINUE = /[$\u200c\u200d\p{ID_Continue}]/u;

function routePattern(route: string): string {
  let pattern = '';
  for (let i = 0; i < route.length; i++) {
    const c = route[i]!;
    if (c === '\\') {
      i++;
      pattern += escapeRegExp(route[i] ?? '');
    } else if (c === ':' || c === '*') {
      i = nameEnd(route, i + 1) - 1;
      pattern += c === ':' ? '[^/]+' : '[\\s\\S]+';
    } else if (c === '{') {
      pattern += '(?:';
    } else if (c === '}') {
      pattern += ')?';
    } else {
      pattern += escapeRegExp(c);
    }
  }
  return pattern;
}

/** Where a parameter name that starts at `from` ends: a `"quoted"` name, or an identifier. */
function nameEnd(route: string, from: number): number {
  let i = from;
  if (route[i] === '"') {
    for (i++; i < route.length && route[i] !== '"'; i++) if (route[i] === '\\') i++;
    return i + 1;
  }
  if (i < route.length && ID_START.test(route[i]!)) for (i++; i < route.length && ID_CONTINUE.test(route[i]!); i++);
  return i;
}

function escapeRegExp(text: string): string {
  // Syntax characters only: in a `u` pattern, escaping anything else is an error.
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
