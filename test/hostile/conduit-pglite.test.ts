import { hostileSuite } from './suite.js';
import { startConduit } from './targets.js';

hostileSuite('Conduit on PGlite', () => startConduit('pglite'));
