/**
 * The canvas recorder, loaded only when `recordCanvas` is on. Bundlers (the npm build) split or
 * inline this import; the script-tag build swaps this module for load-script.ts.
 */
export const loadCanvas = (): Promise<typeof import('./capture')> => import('./capture');
