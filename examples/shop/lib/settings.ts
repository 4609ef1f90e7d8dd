/** The shop's shared settings, from the environment: the secrets that let its services trust each other. */
import { randomBytes } from 'node:crypto';
import { internalKeyEnv } from '@specfirst/spec-core/connectivity';

/** The shop's services, as spec/services.yaml names them. */
export const SERVICE_NAMES = ['users', 'orders', 'billing', 'mailer'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface Settings {
  /** Signs the bearer tokens users issues and orders checks (`SHOP_SECRET`). */
  secret: string;
  /** The `X-API-Key` orders accepts (`SHOP_API_KEY`). */
  apiKey: string;
  /** The `X-Internal-Token` billing accepts (`SHOP_INTERNAL_TOKEN`). */
  internalToken: string;
  /**
   * Each service's signing key (`SPECFIRST_KEY_USERS`, `SPECFIRST_KEY_ORDERS`, ...): its internal
   * clients sign its calls with it, and the callee's caller guard checks them with the same key.
   * In production a process holds only the keys it needs, as the deployment files give them: its
   * own if it calls others (lib/internal.ts refuses to start without it), and its callers' (the
   * guard refuses a declared caller whose key it lacks).
   */
  keys: Partial<Record<ServiceName, string>>;
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
    SERVICE_NAMES.flatMap((service) => {
      const key = env[internalKeyEnv(service)] || (production ? undefined : `dev-key-${service}`);
      return key === undefined ? [] : [[service, key]];
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
  const keys = Object.fromEntries(SERVICE_NAMES.map((service) => [service, random()])) as Record<ServiceName, string>;
  return { secret: random(), apiKey: random(), internalToken: random(), keys };
}

/**
 * The services' keys as the variables the internal clients and the caller guard read
 * (`SPECFIRST_KEY_ORDERS`, ...): given to them explicitly (their `env` option), so the shop in
 * one process never changes `process.env`.
 */
export function keysEnv(settings: Settings): Record<string, string> {
  return Object.fromEntries(
    SERVICE_NAMES.flatMap((service) => {
      const key = settings.keys[service];
      return key === undefined ? [] : [[internalKeyEnv(service), key]];
    }),
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
