import { hostileSuite } from './suite.js';
import { startEdge } from './targets.js';

hostileSuite('the edge-cases fixture', startEdge);
