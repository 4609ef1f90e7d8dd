/** The shop's settings: development defaults, production's rules, and the keys each service is given. */
import { describe, expect, it } from 'vitest';
import { callerGuard, internalClientOptions } from '../lib/internal.js';
import { keysEnv, randomSettings, settingsEnv, settingsFromEnv } from '../lib/settings.js';

const SECRETS = { SHOP_SECRET: 's', SHOP_API_KEY: 'a', SHOP_INTERNAL_TOKEN: 't' };

describe('settingsFromEnv', () => {
  it.each([
    {
      case: 'development: every key has a default',
      env: {},
      keys: { users: 'dev-key-users', orders: 'dev-key-orders', billing: 'dev-key-billing', mailer: 'dev-key-mailer' },
    },
    {
      case: 'development: a key set in the environment wins',
      env: { SPECFIRST_KEY_ORDERS: 'k-orders' },
      keys: { users: 'dev-key-users', orders: 'k-orders', billing: 'dev-key-billing', mailer: 'dev-key-mailer' },
    },
    {
      case: 'production: only the keys the environment holds (billing gets its callers’ from compose.yaml)',
      env: { ...SECRETS, NODE_ENV: 'production', SPECFIRST_KEY_ORDERS: 'k-orders' },
      keys: { orders: 'k-orders' },
    },
    {
      case: 'production: an empty key is no key',
      env: { ...SECRETS, NODE_ENV: 'production', SPECFIRST_KEY_MAILER: '' },
      keys: {},
    },
  ])('$case', ({ env, keys }) => {
    expect(settingsFromEnv(env).keys).toEqual(keys);
  });

  it.each(['SHOP_SECRET', 'SHOP_API_KEY', 'SHOP_INTERNAL_TOKEN'])('production: refuses to start without %s', (name) => {
    const env = { ...SECRETS, NODE_ENV: 'production', [name]: undefined };
    expect(() => settingsFromEnv(env)).toThrow(`${name} must be set when NODE_ENV=production`);
  });

  it('round-trips through the environment a service process is given', () => {
    const settings = randomSettings();
    expect(settingsFromEnv({ ...settingsEnv(settings), NODE_ENV: 'production' })).toEqual(settings);
  });
});

describe('the keys given to internal clients and the caller guard', () => {
  const settings = randomSettings();

  it('gives a caller its key and every key it holds as SPECFIRST_KEY_<SERVICE>, without process.env', () => {
    const options = internalClientOptions(settings, 'orders', 'http://localhost:3003', { timeoutMs: 2000 });
    expect(options).toEqual({
      timeoutMs: 2000,
      baseUrl: 'http://localhost:3003',
      key: settings.keys.orders,
      env: {
        SPECFIRST_KEY_USERS: settings.keys.users,
        SPECFIRST_KEY_ORDERS: settings.keys.orders,
        SPECFIRST_KEY_BILLING: settings.keys.billing,
        SPECFIRST_KEY_MAILER: settings.keys.mailer,
      },
    });
    expect(callerGuard('billing', settings)).toEqual({ service: 'billing', env: keysEnv(settings) });
  });

  it('leaves the base URL to the client (its <CALLEE>_URL, then the deployment host) when no peer is given', () => {
    expect(internalClientOptions(settings, 'mailer', undefined)).not.toHaveProperty('baseUrl');
  });

  it('refuses to make the clients of a caller without its key: its calls would go unsigned', () => {
    const { orders: _orders, ...others } = settings.keys;
    expect(() => internalClientOptions({ ...settings, keys: others }, 'orders', undefined)).toThrow(
      'orders calls other services: set SPECFIRST_KEY_ORDERS',
    );
  });
});
