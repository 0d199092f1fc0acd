// Loads a TypeScript worker entry when running from source (tsx, vitest): Worker execArgv does not
// honour `--import tsx`, so register tsx's ESM loader here, then import the real entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entryUrl);
