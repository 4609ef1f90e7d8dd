/** The shop's shared settings, from the environment: the secrets that let its services trust each other. */
import { randomBytes } from 'node:crypto';

export interface Settings {
  /** Signs the bearer tokens users issues and orders checks (`SHOP_SECRET`). */
  secret: string;
  /** The `X-API-Key` orders accepts (`SHOP_API_KEY`). */
  apiKey: string;
  /** The `X-Internal-Token` billing accepts (`SHOP_INTERNAL_TOKEN`). */
  internalToken: string;
}

/**
 * Development values unless the environment says otherwise: the Quickstart's curl commands use
 * them. In production (`NODE_ENV=production`) each must be set, and the secret is never a default.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const production = env['NODE_ENV'] === 'production';
  const value = (name: string, development: string): string => {
    const set = env[name];
    if (set) return set;
    if (production) throw new Error(`${name} must be set when NODE_ENV=production`);
    return development;
  };
  return {
    secret: value('SHOP_SECRET', 'shop-development-secret'),
    apiKey: value('SHOP_API_KEY', 'dev-api-key'),
    internalToken: value('SHOP_INTERNAL_TOKEN', 'dev-internal-token'),
  };
}

/** Fresh random settings: for tests, where nothing outside must be able to call in. */
export function randomSettings(): Settings {
  const random = () => randomBytes(24).toString('base64url');
  return { secret: random(), apiKey: random(), internalToken: random() };
}

/** The settings as environment variables, for a service started as its own process. */
export function settingsEnv(settings: Settings): Record<string, string> {
  return {
    SHOP_SECRET: settings.secret,
    SHOP_API_KEY: settings.apiKey,
    SHOP_INTERNAL_TOKEN: settings.internalToken,
  };
}
