import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { RRWEB_UMD_PATH } from '../test/helpers/bundle';
import type { RecorderName } from './report';

export const ROOT = new URL('..', import.meta.url).pathname;
const OUR_RECORDER_ENTRY = 'src/record/index.ts';

/** The script that defines a recorder in the page (nothing for `none`), or why it is missing. */
export type RecorderScripts = Partial<Record<RecorderName, string>>;

/**
 * rrweb: its UMD build (defines `window.rrweb`). Ours: src/record/index.ts bundled by esbuild into
 * an IIFE that defines `window.openstoryRecorder` with the same `record({ emit })` shape; the
 * source, not dist/, so the benchmark measures whatever recorder the tree holds right now.
 */
/**
 * The floor: a MutationObserver with the options our recorder uses (rrweb also asks for old
 * values), that only counts records and emits one event per callback. What any recorder built on MutationObserver pays at least.
 */
const FLOOR_RECORDER = `window.mutationFloor = { record: ({ emit }) => {
  const observer = new MutationObserver((records) => emit({ type: 3, data: { records: records.length }, timestamp: Date.now() }));
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  return () => observer.disconnect();
} };`;

export async function loadRecorders(notes: string[], { minify, floor }: { minify: boolean; floor: boolean }): Promise<RecorderScripts> {
  const scripts: RecorderScripts = { none: '', rrweb: await readFile(RRWEB_UMD_PATH, 'utf8') };
  if (floor) scripts.floor = FLOOR_RECORDER;
  if (!existsSync(`${ROOT}/${OUR_RECORDER_ENTRY}`)) {
    notes.push(`Our recorder was not measured: ${OUR_RECORDER_ENTRY} does not exist yet.`);
    return scripts;
  }
  try {
    const result = await build({
      entryPoints: [`${ROOT}/${OUR_RECORDER_ENTRY}`],
      bundle: true,
      write: false,
      minify,
      format: 'iife',
      globalName: 'openstoryRecorder',
      target: 'es2019',
      platform: 'browser',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    scripts.openstory = result.outputFiles[0].text;
  } catch (error) {
    notes.push(`Our recorder was not measured: bundling ${OUR_RECORDER_ENTRY} failed (${String(error).split('\n')[0]}).`);
  }
  return scripts;
}
