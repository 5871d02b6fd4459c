import type { RecordContext } from '../types';

/** The node an event really happened on, also inside open shadow roots (where `target` is the host). */
export function eventTarget(event: Event): Node | null {
  const path = typeof event.composedPath === 'function' ? event.composedPath() : [];
  return ((path[0] ?? event.target) as Node | null) ?? null;
}

/** The id of a node in the stream, or -1 when the recorder did not serialize it. */
export function idOf(ctx: RecordContext, node: Node | null): number {
  return node ? ctx.mirror.getId(node) : -1;
}

/**
 * For pointer activity: the target's id, or, when the target sits inside an excluded subtree,
 * the id of the excluded element's placeholder, so a click on excluded content still counts as
 * a click there (rage and dead clicks) while nothing about the content itself is revealed.
 */
export function pointerTargetId(ctx: RecordContext, node: Node | null): number {
  const id = idOf(ctx, node);
  if (id !== -1 || !node || !ctx.privacy.isExcluded(node)) return id;
  let current: Node | null = node;
  while (current) {
    const parent: Node | null = current.parentNode ?? (current as ShadowRoot).host ?? null;
    const parentId = idOf(ctx, parent);
    if (parentId !== -1) return parentId;
    current = parent;
  }
  return -1;
}
