import { importBesideScript } from '../../lib/import-beside-script';

/** fs.js's way to the canvas recorder: dist/canvas.js, imported from beside fs.js only when `recordCanvas` is on. */
export const loadCanvas = (): Promise<typeof import('./capture')> => importBesideScript('canvas.js');
