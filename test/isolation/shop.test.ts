/**
 * The proof of isolation on examples/shop: its generated compose networks, built in Linux network
 * namespaces, let through exactly what spec/services.yaml declares (orders → users, orders → billing,
 * mailer → orders, each service → the Redis / PostgreSQL it needs, billing → the internet).
 */
import { fileURLToPath } from 'node:url';
import { describeIsolation } from './prove.js';

const SHOP = fileURLToPath(new URL('../../examples/shop', import.meta.url));

describeIsolation('examples/shop', () => SHOP);
