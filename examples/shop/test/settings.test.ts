/** The shop's settings: development defaults, production's rules, and the keys each service is given. */
import { describe, expect, it } from 'vitest';
import { callerGuard, internalClientOptions } from '../lib/internal.js';
import { keysEnv, randomSettings, settingsEnv, settingsFromEnv } from '../lib/settings.js';

const SECRETS = { SHOP_SECRET: 's', SHOP_API_KEY: 'a', SHOP_INTERNAL_TOKEN: 't' };

const DEV_KEYS = {
  SPECFIRST_KEY_ORDERS_TO_USERS: 'dev-key-orders-to-users',
  SPECFIRST_KEY_ORDERS_TO_BILLING: 'dev-key-orders-to-billing',
  SPECFIRST_KEY_MAILER_TO_ORDERS: 'dev-key-mailer-to-orders',
};

describe('settingsFromEnv', () => {
  it.each([
    { case: 'development: every edge has a default key', env: {}, keys: DEV_KEYS },
    {
      case: 'development: a key set in the environment wins',
      env: { SPECFIRST_KEY_ORDERS_TO_USERS: 'k' },
      keys: { ...DEV_KEYS, SPECFIRST_KEY_ORDERS_TO_USERS: 'k' },
    },
    {
      case: 'production: only the keys the environment holds (users gets only orders → users from compose.yaml)',
      env: { ...SECRETS, NODE_ENV: 'production', SPECFIRST_KEY_ORDERS_TO_USERS: 'k' },
      keys: { SPECFIRST_KEY_ORDERS_TO_USERS: 'k' },
    },
    {
      case: 'production: an empty key is no key',
      env: { ...SECRETS, NODE_ENV: 'production', SPECFIRST_KEY_MAILER_TO_ORDERS: '' },
      keys: {},
    },
    {
      case: 'the old one-key-per-caller variables are not read',
      env: { ...SECRETS, NODE_ENV: 'production', SPECFIRST_KEY_ORDERS: 'k' },
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

  it('gives a client of one edge the key of that edge, and the keys as variables, without process.env', () => {
    const options = internalClientOptions(settings, 'orders', 'billing', 'http://localhost:3003', { timeoutMs: 2000 });
    expect(options).toEqual({
      timeoutMs: 2000,
      baseUrl: 'http://localhost:3003',
      key: settings.keys['SPECFIRST_KEY_ORDERS_TO_BILLING'],
      env: keysEnv(settings),
    });
    expect(Object.keys(keysEnv(settings)).sort()).toEqual(Object.keys(DEV_KEYS).sort());
  });

  it.each([
    ['users', { service: 'users' }],
    ['orders', { service: 'orders', requireCaller: ['purgeCarts'] }],
    ['billing', { service: 'billing', requireCaller: ['createInvoice'] }],
  ] as const)('guards %s, requiring a caller only on operations no one outside calls', (service, expected) => {
    expect(callerGuard(service, settings)).toEqual({ ...expected, env: keysEnv(settings) });
  });

  it('leaves the base URL to the client (its <CALLEE>_URL, then the deployment host) when no peer is given', () => {
    expect(internalClientOptions(settings, 'mailer', 'orders', undefined)).not.toHaveProperty('baseUrl');
  });

  it('refuses to make the client of an edge without its key: the callee would refuse its calls', () => {
    const { SPECFIRST_KEY_ORDERS_TO_USERS: _gone, ...others } = settings.keys;
    expect(() => internalClientOptions({ ...settings, keys: others }, 'orders', 'users', undefined)).toThrow(
      'orders calls users: set SPECFIRST_KEY_ORDERS_TO_USERS',
    );
  });
});
