import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread of the collector's: the built collector runs the worker's own bundle beside its
 * own (`built`, a rollup entry); from the sources (tests, the benches under tsx) the worker is the
 * TypeScript file, loaded through tsx as the main thread was.
 */
export function startWorker(built: URL, source: URL, options: WorkerOptions): Worker {
  if (existsSync(fileURLToPath(built))) return new Worker(built, options);
  const viaTsx = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(viaTsx, { ...options, eval: true });
}
