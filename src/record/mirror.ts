import { contentDocumentOf } from './content-document';
import type { NodeMirror } from './types';

/** The mirror the recorder fills: ids for nodes as they are serialized, dropped as they leave. */
export interface RecorderMirror extends NodeMirror {
  /** Gives the node a fresh id (its earlier one, if any, stops resolving) and returns it. */
  assign(node: Node): number;
  /** Forgets the node and every node below it, shadow roots included. */
  forget(node: Node): void;
  /** The last id handed out: ids above a mark taken earlier were handed out since. */
  lastId(): number;
  /** Forgets everything; ids start again at 1 (a new recording). */
  reset(): void;
  /** Forgets every node but keeps counting: a fresh full snapshot gives every node a new id. */
  release(): void;
}

/**
 * Node → id lives in a WeakMap (the page's nodes are never retained through it); id → node in a
 * Map. `forget` drops both directions when a node leaves the recorded document, and `reset`
 * starts a fresh WeakMap, so a lookup is one WeakMap read.
 */
export function createMirror(): RecorderMirror {
  let ids = new WeakMap<Node, number>();
  const nodes = new Map<number, Node>();
  let last = 0;

  const getId = (node: Node): number => ids.get(node) ?? -1;
  const release = () => {
    ids = new WeakMap();
    nodes.clear();
  };

  return {
    getId,
    getNode: (id) => nodes.get(id) ?? null,
    assign(node) {
      const previous = ids.get(node);
      if (previous !== undefined) nodes.delete(previous);
      const id = ++last;
      ids.set(node, id);
      nodes.set(id, node);
      return id;
    },
    forget(root) {
      const pending: Node[] = [root];
      while (pending.length) {
        const node = pending.pop() as Node;
        const id = getId(node);
        if (id === -1) continue;
        nodes.delete(id);
        ids.delete(node);
        for (let child = node.firstChild; child; child = child.nextSibling) pending.push(child);
        if (node.nodeType !== 1) continue;
        // Shadow content, template content and a same-origin frame's document hang off the element.
        const element = node as Element;
        const more = element.shadowRoot ?? (element as HTMLTemplateElement).content ?? null;
        if (more) for (let child = more.firstChild; child; child = child.nextSibling) pending.push(child);
        const frameDocument = element.localName === 'iframe' ? contentDocumentOf(element as HTMLIFrameElement) : null;
        if (frameDocument) pending.push(frameDocument);
      }
    },
    lastId: () => last,
    reset() {
      release();
      last = 0;
    },
    release,
  };
}
