/**
 * Start a worker_threads Worker on a TypeScript file, in tests and Node tools that run under tsx or
 * Vitest: a tiny JavaScript bootstrap registers tsx's loader inside the new thread, then imports the
 * file. (A TypeScript entry cannot be handed to `new Worker` directly.)
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startTsWorker(file: URL, workerData: unknown, options: WorkerOptions = {}): Worker {
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import('tsx/esm/api')
      .then((tsx) => { tsx.register(); return import(workerData.__entry); })
      .catch((error) => { console.error(error); process.exit(1); });
  `;
  return new Worker(bootstrap, {
    ...options,
    eval: true,
    workerData: { ...(workerData as object), __entry: file.href },
  });
}
