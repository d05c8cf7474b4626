// Shard 1 of the hostile-input suite (see hostile.ts).
import { hostileInputSuite } from './hostile.ts';

hostileInputSuite(0, 2);
