/**
 * fs.js's way to the canvas recorder: dist/canvas.js, an ES module next to fs.js, imported from
 * fs.js's own URL only when `recordCanvas` is on, so the script tag pays nothing for it otherwise.
 * The URL is read while fs.js runs, the only time `currentScript` is fs.js.
 */
const base = (document.currentScript as HTMLScriptElement | null)?.src || location.href;

export const loadCanvas = (): Promise<typeof import('./capture')> => import(/* @vite-ignore */ new URL('canvas.js', base).href);
