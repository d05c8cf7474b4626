// Shard 2 of the hostile-input suite (see hostile.ts).
import { hostileInputSuite } from './hostile.ts';

hostileInputSuite(1, 2);
