import { hostileSuite } from './suite.js';
import { startShop } from './targets.js';

hostileSuite('the shop fixture', startShop);
