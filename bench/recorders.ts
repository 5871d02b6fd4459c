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

/**
 * The reference for the attributes workload: what every recorder emitting rrweb's Mutation
 * schema must do for attribute records, and nothing else (ids come from a WeakMap filled once
 * at start; no privacy rules; other record kinds ignored). Our recorder cannot beat it.
 */
const MINIMAL_ATTRIBUTE_RECORDER = `window.minimalRecorder = { record: ({ emit }) => {
  const ids = new WeakMap();
  let next = 0;
  const walk = (node) => { ids.set(node, ++next); for (let child = node.firstChild; child; child = child.nextSibling) walk(child); };
  walk(document);
  const observer = new MutationObserver((records) => {
    const byElement = new Map();
    const attributes = [];
    for (let i = 0; i < records.length; i++) {
      const name = records[i].attributeName;
      if (name === null) continue;
      const target = records[i].target;
      let changed = byElement.get(target);
      if (changed === undefined) {
        const id = ids.get(target);
        if (id === undefined) continue;
        changed = {};
        byElement.set(target, changed);
        attributes.push({ id, attributes: changed });
      }
      changed[name] = target.getAttribute(name);
    }
    emit({ type: 3, data: { source: 0, texts: [], attributes, removes: [], adds: [] }, timestamp: Date.now() });
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  return () => observer.disconnect();
} };`;

export async function loadRecorders(notes: string[], { minify, floor }: { minify: boolean; floor: boolean }): Promise<RecorderScripts> {
  const scripts: RecorderScripts = { none: '', rrweb: await readFile(RRWEB_UMD_PATH, 'utf8') };
  if (floor) {
    scripts.floor = FLOOR_RECORDER;
    scripts.minimal = MINIMAL_ATTRIBUTE_RECORDER;
  }
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
