/**
 * Wire bytes by event kind, for bench/transport.ts. Each stored bundle's events are grouped by
 * kind and each group is gzipped alone, per bundle, the way the transport gzips whole bundles:
 * what one kind costs next to the others. Stylesheet text (`_cssText` and `<style>` text in
 * snapshots and added nodes) is moved out of its event into a kind of its own; so are the string
 * table's definitions.
 */
import { gzipSync } from 'node:zlib';
import type { eventWithTime } from '@rrweb/types';
import type { Bundle } from '../src/protocol';
import { EventType, IncrementalSource } from '../src/lib/rrweb';

const SOURCE_NAMES = Object.fromEntries(Object.entries(IncrementalSource).map(([name, value]) => [value, name])) as Record<number, string>;
const MUTATION_PARTS = ['adds', 'removes', 'texts', 'attributes'] as const;

type Json = Record<string, unknown>;

/** Moves stylesheet text out of serialized nodes (mutating the copy it is given) into `css`. */
function takeStylesheets(value: unknown, css: string[]): void {
  if (Array.isArray(value)) return value.forEach((item) => takeStylesheets(item, css));
  if (typeof value !== 'object' || value === null) return;
  const node = value as Json;
  const attributes = node.attributes as Json | undefined;
  if (typeof attributes?._cssText === 'string') {
    css.push(attributes._cssText);
    attributes._cssText = '';
  }
  if (node.isStyle === true && typeof node.textContent === 'string') {
    css.push(node.textContent);
    node.textContent = '';
  }
  for (const child of Object.values(node)) takeStylesheets(child, css);
}

/** The parts of one event, each named by its kind. */
function parts(event: eventWithTime): Array<[string, unknown]> {
  const copy = structuredClone(event) as eventWithTime & { data: Json };
  const css: string[] = [];
  takeStylesheets(copy.data, css);
  const out: Array<[string, unknown]> = css.length > 0 ? [['stylesheet text', css]] : [];
  switch (copy.type) {
    case EventType.FullSnapshot:
      return [...out, ['full snapshot (without stylesheet text)', copy]];
    case EventType.Meta:
      return [...out, ['meta', copy]];
    case EventType.Custom:
      return [...out, [`facts (custom: ${String(copy.data.tag)})`, copy]];
    case EventType.IncrementalSnapshot: {
      const source = copy.data.source as number;
      if (source !== IncrementalSource.Mutation) return [...out, [SOURCE_NAMES[source] ?? `source ${source}`, copy]];
      const mutation = MUTATION_PARTS.filter((part) => (copy.data[part] as unknown[] | undefined)?.length).map(
        (part) => [`Mutation: ${part}`, copy.data[part]] as [string, unknown],
      );
      return [...out, ...mutation];
    }
    default:
      return [...out, [`event type ${copy.type}`, copy]];
  }
}

/** gzip bytes per kind, summed over bundles (each kind of each bundle gzipped alone). */
export function bytesByKind(bundles: Iterable<Bundle>): Map<string, number> {
  const total = new Map<string, number>();
  for (const bundle of bundles) {
    const groups = new Map<string, unknown[]>();
    if (bundle.strings) groups.set('string table definitions', [bundle.strings]);
    for (const event of bundle.events) {
      for (const [kind, part] of parts(event)) groups.set(kind, [...(groups.get(kind) ?? []), part]);
    }
    for (const [kind, group] of groups) total.set(kind, (total.get(kind) ?? 0) + gzipSync(JSON.stringify(group)).length);
  }
  return total;
}

/** Markdown rows: kind, ours, theirs, ratio; largest first by theirs. */
export function kindRows(ours: Map<string, number>, theirs: Map<string, number>): string {
  const kinds = [...new Set([...ours.keys(), ...theirs.keys()])].sort((a, b) => (theirs.get(b) ?? 0) - (theirs.get(a) ?? 0) || a.localeCompare(b));
  const kb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${(bytes / 1024).toFixed(1)} KiB`);
  return kinds
    .map((kind) => {
      const o = ours.get(kind);
      const r = theirs.get(kind);
      return `| ${kind} | ${kb(o)} | ${kb(r)} | ${o !== undefined && r ? `${(o / r).toFixed(2)}x` : '—'} |`;
    })
    .join('\n');
}
