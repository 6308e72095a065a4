// Entry of an experiment worker thread: worker threads do not inherit the main thread's tsx loader (and Node's own
// type stripping refuses parts of our TypeScript), so register tsx here, then run the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./experiment-worker.ts');
