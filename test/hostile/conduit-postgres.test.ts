import { hostileSuite } from './suite.js';
import { startConduit } from './targets.js';

// PostgreSQL at 127.0.0.1:5432 (or CONDUIT_TEST_POSTGRES_URL): a fresh database, dropped afterwards. Fails without it.
hostileSuite('Conduit on PostgreSQL', () => startConduit('postgres'));
