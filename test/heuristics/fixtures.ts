import type { eventWithTime } from '@rrweb/types';
import type { FactEvent, FactTag, FactPayloads } from '../../src/facts';
import { EventType, IncrementalSource, MouseInteractions } from '../../src/lib/rrweb';
import { maskValue } from '../../src/privacy';
import type { Privacy } from '../../src/privacy/types';
import type { NodeMirror } from '../../src/record/types';

/** The privacy contract with the two classes the tests use (the real rules live in src/privacy/). */
export const testPrivacy: Privacy = {
  isExcluded: (node) => !!(node.nodeType === 1 ? (node as Element) : node.parentElement)?.closest('.fs-exclude'),
  isMasked: (node) => {
    const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
    return !!element?.closest('.fs-mask') || (element as HTMLInputElement | null)?.type === 'password';
  },
  maskText: (text) => text.replace(/\S/g, '*'),
  maskValue,
  redactUrl: (url) => url,
};

/** A mirror that numbers nodes on first sight, like the recorder's. */
export function testMirror(): NodeMirror & { id(node: Node): number } {
  const ids = new Map<Node, number>();
  const nodes = new Map<number, Node>();
  const id = (node: Node) => {
    let known = ids.get(node);
    if (known === undefined) {
      known = ids.size + 1;
      ids.set(node, known);
      nodes.set(known, node);
    }
    return known;
  };
  return { id, getId: (node) => ids.get(node) ?? -1, getNode: (n) => nodes.get(n) ?? null };
}

export const meta = (href: string, timestamp: number): eventWithTime =>
  ({ type: EventType.Meta, data: { href, width: 800, height: 600 }, timestamp }) as eventWithTime;

export const interaction = (type: MouseInteractions, id: number, x: number, y: number, timestamp: number): eventWithTime =>
  ({ type: EventType.IncrementalSnapshot, data: { source: IncrementalSource.MouseInteraction, type, id, x, y }, timestamp }) as eventWithTime;

export const attributeMutation = (id: number, timestamp: number): eventWithTime =>
  ({
    type: EventType.IncrementalSnapshot,
    data: { source: IncrementalSource.Mutation, adds: [], removes: [], texts: [], attributes: [{ id, attributes: { class: 'on' } }] },
    timestamp,
  }) as eventWithTime;

export const input = (id: number, text: string, timestamp: number): eventWithTime =>
  ({ type: EventType.IncrementalSnapshot, data: { source: IncrementalSource.Input, id, text, isChecked: false }, timestamp }) as eventWithTime;

export const scroll = (id: number, timestamp: number): eventWithTime =>
  ({ type: EventType.IncrementalSnapshot, data: { source: IncrementalSource.Scroll, id, x: 0, y: 100 }, timestamp }) as eventWithTime;

export const mouseMove = (id: number, points: Array<[number, number]>, timestamp: number, stepMs = 50): eventWithTime =>
  ({
    type: EventType.IncrementalSnapshot,
    data: {
      source: IncrementalSource.MouseMove,
      positions: points.map(([x, y], i) => ({ x, y, id, timeOffset: (i - (points.length - 1)) * stepMs })),
    },
    timestamp,
  }) as eventWithTime;

/** Facts of one tag among everything a stage passed on. */
export function factsOf<T extends FactTag>(events: Array<eventWithTime | FactEvent>, tag: T): Array<FactPayloads[T]> {
  return events
    .filter((event): event is FactEvent => event.type === EventType.Custom && (event as FactEvent).data?.tag === tag)
    .map((event) => event.data.payload as FactPayloads[T]);
}
