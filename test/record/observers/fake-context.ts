import { maskValue } from '../../../src/privacy';
import type { eventWithTime, incrementalData } from '@rrweb/types';
import { patchMethod } from '../../../src/lib/patch';
import { startObservers } from '../../../src/record/observers';
import type { NodeMirror, RecordContext } from '../../../src/record/types';

/**
 * A RecordContext over jsdom's document: every node reachable from the document (and open
 * shadow roots) gets an id when `serialize()` runs, except nodes inside `.fs-exclude`, which
 * stay unknown (-1) like the recorder's placeholders' content.
 */
export function fakeContext(overrides: Partial<RecordContext> = {}) {
  const ids = new Map<Node, number>();
  const nodes = new Map<number, Node>();
  const incremental: incrementalData[] = [];
  const events: eventWithTime[] = [];
  const errors: unknown[] = [];
  const isExcluded = (node: Node) => {
    const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
    return !!element?.closest('.fs-exclude');
  };
  const mirror: NodeMirror = {
    getId: (node) => ids.get(node) ?? -1,
    getNode: (id) => nodes.get(id) ?? null,
  };
  const serialize = (root: Node = document) => {
    const visit = (node: Node) => {
      if (!ids.has(node)) {
        const id = ids.size + 1;
        ids.set(node, id);
        nodes.set(id, node);
      }
      if (node.nodeType === 1 && (node as Element).classList.contains('fs-exclude')) return;
      node.childNodes.forEach(visit);
      const shadow = (node as Element).shadowRoot;
      if (shadow) shadow.childNodes.forEach(visit);
    };
    visit(root);
  };
  const ctx: RecordContext = {
    doc: document,
    win: window,
    mirror,
    privacy: {
      isExcluded,
      isMasked: (node) =>
        (node as HTMLInputElement).type === 'password' || !!(node as Element).closest?.('.fs-mask'),
      maskText: (text) => text.replace(/\S/g, '*'),
      maskValue,
      redactUrl: (url) => url,
    },
    sampling: { mousemove: 50, mousemoveBatch: 500, scroll: 100 },
    emitIncremental: (data) => void incremental.push(data),
    emit: (event) => void events.push(event),
    reportError: (error) => void errors.push(error),
    // The recorder's attachShadow wrapper, standing alone.
    onShadowRoot: (listener) =>
      patchMethod(Element.prototype, 'attachShadow', (error) => void errors.push(error), {
        after: (_host, _args, root) => listener(root as ShadowRoot),
      }),
    ...overrides,
  };
  /** Gives `other` the id of `node` (jsdom hands out internal objects where browsers give the node). */
  const alias = (other: Node, node: Node) => void ids.set(other, ids.get(node) ?? -1);
  return { ctx, incremental, events, errors, serialize, alias, idOf: (node: Node) => mirror.getId(node) };
}

const running: Array<() => void> = [];

/** Puts `html` in the body, gives every node an id and starts the observers on the document. */
export function observe(html: string, overrides: Partial<RecordContext> = {}) {
  document.body.innerHTML = html;
  const fake = fakeContext(overrides);
  fake.serialize();
  const stop = startObservers(fake.ctx);
  running.push(stop);
  return { ...fake, stop };
}

/** afterEach: stops what `observe` started and empties the document. */
export function stopObservers() {
  while (running.length) (running.pop() as () => void)();
  document.head.innerHTML = '';
  document.body.innerHTML = '';
}
