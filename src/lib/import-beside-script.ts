/**
 * fs.js's way to the chunks built beside it (dist/canvas.js, dist/telemetry.js): ES modules imported
 * from fs.js's own URL, so the script tag does not carry their code. The URL is read while fs.js
 * runs, the only time `currentScript` is fs.js.
 */
const base = (document.currentScript as HTMLScriptElement | null)?.src || location.href;

export const importBesideScript = <T>(file: string): Promise<T> => import(/* @vite-ignore */ new URL(file, base).href);
