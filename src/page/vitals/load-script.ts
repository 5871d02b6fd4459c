import { importBesideScript } from '../../lib/import-beside-script';

/** fs.js's way to web-vitals: dist/vitals.js, imported from beside fs.js when capture starts. */
export const loadVitals = (): Promise<typeof import('./lib')> => importBesideScript('vitals.js');
