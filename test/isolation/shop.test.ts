/**
 * The proof of isolation on examples/shop: its generated compose networks, built in Linux network
 * namespaces, let through exactly what spec/services.yaml declares (orders → users, orders → billing,
 * mailer → orders, each service → the Redis / PostgreSQL it needs, billing → the internet), and the
 * harness sees a mistake planted in them.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeIsolation, differences, measure } from './prove.js';

const SHOP = fileURLToPath(new URL('../../examples/shop', import.meta.url));

describeIsolation('examples/shop', () => SHOP);

describe('a mistake planted in the shop’s compose networks', () => {
  it('shows as exactly the pairs it opens', async () => {
    // An undeclared network between users and billing, and a route out for orders--users.
    const measured = await measure(SHOP, (compose) => ({
      services: compose.services.map((s) =>
        s.name === 'users' || s.name === 'billing' ? { ...s, networks: [...s.networks, 'billing--users'] } : s,
      ),
      networks: [
        ...compose.networks.map((n) => (n.name === 'orders--users' ? { ...n, internal: false } : n)),
        { name: 'billing--users', internal: true },
      ],
    }));
    try {
      expect(differences(measured)).toEqual([
        'billing → users: connected',
        'orders → internet: connected',
        'users → billing: connected',
        'users → internet: connected',
      ]);
    } finally {
      await measured.topology.destroy();
    }
  });
});
