import { importBesideScript } from '../../lib/import-beside-script';
import { createWarner } from '../../lib/warn-once';

/**
 * fs.js's way to console, network, load-timing and web-vitals capture: dist/telemetry.js, imported
 * from beside fs.js when capture starts. A site that does not serve it is told once, as a deployment problem
 * rather than an internal error; capture goes on without them.
 */
export const withTelemetry = (use: (lib: typeof import('./lib')) => void): void => {
  importBesideScript<typeof import('./lib')>('telemetry.js').then(use, (error) =>
    createWarner()('telemetry', 'telemetry.js did not load from beside fs.js; capture goes on without console, network, load timings and web vitals (docs/install.md)', error),
  );
};
