/**
 * web-vitals, imported when capture starts. Bundlers (the npm build) split or inline this
 * import; the script-tag build swaps this module for load-script.ts.
 */
export const loadVitals = (): Promise<typeof import('./lib')> => import('./lib');
