// Worker threads do not inherit the tsx loader that bin/mydrop.js (or vitest) gives the main
// thread, so the PGlite worker registers it itself before loading its TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-worker.ts');
