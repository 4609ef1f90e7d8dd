/** The shop's shared settings, from the environment: the secrets that let its services trust each other. */
import { randomBytes } from 'node:crypto';
import { internalKeyEnv } from '@specfirst/spec-core/connectivity';

/** The shop's services, as spec/services.yaml names them. */
export const SERVICE_NAMES = ['users', 'orders', 'billing', 'mailer'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The shop's declared operation edges (spec/services.yaml `consumes.operations`): one key each. */
export const EDGES = [
  { caller: 'orders', callee: 'users' },
  { caller: 'orders', callee: 'billing' },
  { caller: 'mailer', callee: 'orders' },
] as const satisfies readonly { caller: ServiceName; callee: ServiceName }[];
export type Edge = (typeof EDGES)[number];

export interface Settings {
  /** Signs the bearer tokens users issues and orders checks (`SHOP_SECRET`). */
  secret: string;
  /** The `X-API-Key` orders accepts (`SHOP_API_KEY`). */
  apiKey: string;
  /** The `X-Internal-Token` billing accepts (`SHOP_INTERNAL_TOKEN`). */
  internalToken: string;
  /**
   * One key per declared edge, by its variable (`SPECFIRST_KEY_ORDERS_TO_USERS`, ...): the
   * caller's internal client of the callee signs with it, and the callee's caller guard checks
   * with the same key. In production a process holds only the keys of its own edges, as the
   * deployment files give them: those it calls on (lib/internal.ts refuses to start without
   * them), and those it is called on (the guard refuses a declared caller whose key it lacks).
   */
  keys: Partial<Record<string, string>>;
}

/**
 * Development values unless the environment says otherwise: the Quickstart's curl commands use
 * them. In production (`NODE_ENV=production`) the shop's secrets must be set, no secret is ever a
 * default, and the keys are those the environment holds.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const production = env['NODE_ENV'] === 'production';
  const value = (name: string, development: string): string => {
    const set = env[name];
    if (set) return set;
    if (production) throw new Error(`${name} must be set when NODE_ENV=production`);
    return development;
  };
  const keys = Object.fromEntries(
    EDGES.flatMap(({ caller, callee }) => {
      const variable = internalKeyEnv(caller, callee);
      const key = env[variable] || (production ? undefined : `dev-key-${caller}-to-${callee}`);
      return key === undefined ? [] : [[variable, key]];
    }),
  ) as Settings['keys'];
  return {
    secret: value('SHOP_SECRET', 'shop-development-secret'),
    apiKey: value('SHOP_API_KEY', 'dev-api-key'),
    internalToken: value('SHOP_INTERNAL_TOKEN', 'dev-internal-token'),
    keys,
  };
}

/** Fresh random settings: for tests, where nothing outside must be able to call in. */
export function randomSettings(): Settings {
  const random = () => randomBytes(24).toString('base64url');
  const keys = Object.fromEntries(EDGES.map(({ caller, callee }) => [internalKeyEnv(caller, callee), random()]));
  return { secret: random(), apiKey: random(), internalToken: random(), keys };
}

/**
 * The edges' keys as the variables the internal clients and the caller guard read
 * (`SPECFIRST_KEY_ORDERS_TO_USERS`, ...): given to them explicitly (their `env` option), so the
 * shop in one process never changes `process.env`.
 */
export function keysEnv(settings: Settings): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings.keys).flatMap(([variable, key]) => (key === undefined ? [] : [[variable, key]])),
  );
}

/** The settings as environment variables, for a service started as its own process. */
export function settingsEnv(settings: Settings): Record<string, string> {
  return {
    SHOP_SECRET: settings.secret,
    SHOP_API_KEY: settings.apiKey,
    SHOP_INTERNAL_TOKEN: settings.internalToken,
    ...keysEnv(settings),
  };
}
