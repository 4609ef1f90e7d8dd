import { match } from 'path-to-regexp';

/**
 * Whether an Express 5 route path matches a concrete path, decided the way Express's router
 * decides it: with path-to-regexp, the library its router uses, case-insensitively and with an
 * optional trailing slash. Used to tell whether the spec already serves a path.
 */
export function routeMatches(route: string, path: string): boolean {
  return match(route, { sensitive: false, end: true, trailing: true, decode: false })(path) !== false;
}
