import type { addedNodeMutation, mutationCallbackParam, removedNodeMutation, textMutation } from '@rrweb/types';
import type { PrivacyRules } from '../privacy';
import type { RecorderMirror } from './mirror';
import { textValue, walkAdds, type SerializeScope } from './serialize';
import { RECORDS_PER_READ, type Pace, type Walk } from './slices';
import { createAttributeChanges } from './attribute-changes';

/** What turning one MutationObserver batch into one rrweb Mutation needs. */
export interface MutationEnv {
  mirror: RecorderMirror;
  privacy: PrivacyRules;
  /** The scope of the recorded document the node belongs to, if it is recorded at all. */
  scopeOf(node: Node): SerializeScope | undefined;
  placeholders: Set<number>;
  templates: WeakMap<Node, Element>;
}

/**
 * One batch of MutationRecords → one Mutation payload (or null when nothing recordable changed).
 *
 * The records are read once, only to learn which nodes were touched; what is emitted is then
 * read from the DOM as it is now, at the end of the batch. So a node added and removed in the
 * same batch costs nothing, a subtree is serialized once however many records built it, and
 * nodes of an excluded subtree are never looked at. A node re-inserted elsewhere (a move) is a
 * remove plus an add with fresh ids, as in rrweb, because the Replayer rebuilds every add.
 * Ids handed out during this batch are above `mark`: such a node is already in `adds` with its
 * current state, so later records about it are skipped. Serializing adds and reading texts is
 * sliced (`pace`); records that arrive meanwhile are the recording's to judge (recording.ts).
 */
export function* collectMutations(records: MutationRecord[], env: MutationEnv, pace: Pace): Walk<mutationCallbackParam | null> {
  const { mirror, privacy } = env;
  const mark = mirror.lastId();
  const read: RecordsRead = { structural: false, removes: [], added: new Set(), texts: new Set(), attributes: createAttributeChanges(env) };
  const { removes, added, texts, attributes } = read;
  // A batch of 50,000 records takes longer to read than a slice: the reading pauses too. The
  // records are read by a plain function, RECORDS_PER_READ at a time, which V8 optimizes early
  // (slices.ts); it would not optimize a loop inside this generator while it runs.
  for (let next = 0; next < records.length; ) {
    next = readRecords(records, next, read, env);
    if (next < records.length && pace.due(RECORDS_PER_READ)) yield;
  }

  const adds: addedNodeMutation[] = [];
  // Elements whose exclusion changed are replaced first, so adds computed next see their new ids.
  for (const element of attributes.exclusionCandidates) yield* replaceIfExclusionChanged(element, mark, env, removes, adds, pace);
  for (const node of added) {
    const run = addRun(node, added, mark, env);
    if (run) yield* walkAdds(node, run.last, run.parentId, nextRecordedId(run.last.nextSibling, mirror), run.isShadow, run.masked, run.scope, adds, pace);
  }

  const textChanges: textMutation[] = [];
  for (const node of texts) {
    if (pace.due()) yield;
    const id = mirror.getId(node);
    if (id === -1 || id > mark || !isLive(node, env) || isInExcludedSubtree(node, id, env)) continue;
    const scope = env.scopeOf(node);
    if (scope && (node.parentNode as Element | null)?.localName !== 'script') {
      textChanges.push({ id, value: textValue(node as Text, privacy.isMasked(node), scope) });
    }
  }

  const attributeChanges = attributes.result(removes.length > 0 || mirror.lastId() !== mark);
  if (!adds.length && !removes.length && !textChanges.length && !attributeChanges.length) return null;
  return { texts: textChanges, attributes: attributeChanges, removes, adds };
}

interface RecordsRead {
  /** A child list or an attribute changed: cached privacy decisions were invalidated once. */
  structural: boolean;
  removes: removedNodeMutation[];
  added: Set<Node>;
  texts: Set<Node>;
  attributes: ReturnType<typeof createAttributeChanges>;
}

/** Reads up to RECORDS_PER_READ records from `from`; returns where the next read starts. */
function readRecords(records: MutationRecord[], from: number, read: RecordsRead, env: MutationEnv): number {
  const { mirror, privacy } = env;
  const { removes, added, texts, attributes } = read;
  const end = Math.min(records.length, from + RECORDS_PER_READ);
  for (let r = from; r < end; r++) {
    const record = records[r];
    const target = record.target;
    // Only attribute records carry a name: one read tells the commonest kind apart.
    const attributeName = record.attributeName;
    if (attributeName !== null) {
      structuralChange(read, privacy);
      attributes.note(target as Element, attributeName);
    } else if (record.type === 'characterData') {
      if (isTextarea(target.parentNode)) attributes.note(target.parentNode as Element, 'value');
      else texts.add(target);
    } else if (isTextarea(target)) {
      structuralChange(read, privacy);
      // A textarea's children are its default value; the value is what is recorded.
      attributes.note(target as Element, 'value');
    } else {
      structuralChange(read, privacy);
      const removedNodes = record.removedNodes;
      for (let i = 0; i < removedNodes.length; i++) {
        const node = removedNodes[i];
        added.delete(node);
        const id = mirror.getId(node);
        if (id === -1) continue;
        const parentId = mirror.getId(recordedParent(target, env) ?? target);
        if (parentId !== -1) removes.push(isShadowRoot(target, env) ? { parentId, id, isShadow: true } : { parentId, id });
        mirror.forget(node);
      }
      const addedNodes = record.addedNodes;
      for (let i = 0; i < addedNodes.length; i++) added.add(addedNodes[i]);
    }
  }
  return end;
}

/** A child list or an attribute changed: attributes and tree positions decide what selectors match, so cached decisions are stale. */
function structuralChange(read: RecordsRead, privacy: PrivacyRules): void {
  if (!read.structural) privacy.invalidate();
  read.structural = true;
}

/**
 * What serializing `node` (an inserted node) takes, if its recorded parent is in the recording
 * and it is not already covered: the run of pending inserted siblings that follow it (added with
 * it, last first, so each add's next sibling exists in the replay before it).
 */
function addRun(node: Node, added: Set<Node>, mark: number, env: MutationEnv) {
  const { mirror, privacy } = env;
  if (mirror.getId(node) > mark) return null;
  const parent = recordedParent(node.parentNode, env);
  if (!parent) return null;
  const parentId = mirror.getId(parent);
  // An unrecorded parent is new (an ancestor's add covers the node) or outside the recording; a
  // parent recorded in this batch was serialized with its current children.
  if (parentId === -1 || parentId > mark) return null;
  if ((parent as Element).localName === 'textarea' || !isLive(node, env) || isInExcludedSubtree(parent, parentId, env)) return null;
  const scope = env.scopeOf(parent);
  if (!scope) return null;
  const isShadow = isShadowRoot(node.parentNode as Node, env);
  const masked = privacy.isMasked(parent);
  let last = node;
  for (let sibling = node.nextSibling; sibling && added.has(sibling) && !(mirror.getId(sibling) > mark); sibling = sibling.nextSibling) {
    last = sibling;
  }
  return { last, parentId, isShadow, masked, scope };
}

/**
 * A class or attribute change can exclude a recorded element (it becomes a placeholder from now
 * on) or lift an exclusion (its content is recorded from now on): either way the replay's node
 * is removed and the element added again as it must now appear.
 */
function* replaceIfExclusionChanged(
  element: Element,
  mark: number,
  env: MutationEnv,
  removes: removedNodeMutation[],
  adds: addedNodeMutation[],
  pace: Pace,
): Walk<void> {
  const { mirror, privacy } = env;
  // The element's own match is what its attribute change can flip; an excluded ancestor would
  // have left it without an id. Selectors such as ".private p" can also exclude descendants.
  const candidates: Element[] = [];
  const elementId = mirror.getId(element);
  if (elementId === -1 || elementId > mark) return;
  if (element.matches(privacy.excludeSelector) !== env.placeholders.has(elementId)) candidates.push(element);
  if (privacy.excludeDependsOnContext && element.querySelectorAll) {
    element.querySelectorAll(privacy.excludeSelector).forEach((descendant) => {
      if (!env.placeholders.has(mirror.getId(descendant))) candidates.push(descendant);
    });
  }
  for (const candidate of candidates) {
    const id = mirror.getId(candidate);
    if (id === -1 || id > mark || !isLive(candidate, env)) continue;
    const parentNode = candidate.parentNode;
    const parent = recordedParent(parentNode, env);
    const parentId = parent ? mirror.getId(parent) : -1;
    const scope = env.scopeOf(candidate);
    if (parentId === -1 || !parent || !scope) continue;
    const isShadow = isShadowRoot(parentNode as Node, env);
    removes.push(isShadow ? { parentId, id, isShadow: true } : { parentId, id });
    mirror.forget(candidate);
    env.placeholders.delete(id);
    const nextId = nextRecordedId(candidate.nextSibling, mirror);
    yield* walkAdds(candidate, candidate, parentId, nextId, isShadow, privacy.isMasked(parent), scope, adds, pace);
  }
}

/**
 * For a node that has an id. Descendants of an excluded element never get one, an element that
 * starts matching an exclude selector is replaced by a placeholder before this is asked, and a
 * move re-serializes top-down: so among recorded nodes only placeholders are excluded. Selectors
 * with combinators can start matching with no change on the element or its ancestors (a
 * sibling's class), so with those the full, cached question is asked as well.
 */
function isInExcludedSubtree(node: Node, id: number, env: MutationEnv): boolean {
  return env.placeholders.has(id) || (env.privacy.excludeDependsOnContext && env.privacy.isExcluded(node));
}

/** The node that stands for `parent` in the recording: shadow roots and template content map to their element. */
export function recordedParent(parent: Node | null, env: Pick<MutationEnv, 'templates'>): Node | null {
  if (!parent || parent.nodeType !== 11) return parent;
  return (parent as ShadowRoot).host ?? env.templates.get(parent) ?? null;
}

/** In a recorded document: connected, or inside a template's content whose template is. */
export function isLive(node: Node, env: Pick<MutationEnv, 'templates'>): boolean {
  if (node.isConnected) return true;
  const owner = env.templates.get(node.getRootNode());
  return !!owner && isLive(owner, env);
}

function nextRecordedId(sibling: Node | null, mirror: RecorderMirror): number | null {
  for (let current = sibling; current; current = current.nextSibling) {
    const id = mirror.getId(current);
    if (id !== -1) return id;
  }
  return null;
}

function isShadowRoot(node: Node, env: Pick<MutationEnv, 'templates'>): boolean {
  return node.nodeType === 11 && !env.templates.has(node);
}

function isTextarea(node: Node | null): boolean {
  return !!node && node.nodeType === 1 && (node as Element).localName === 'textarea';
}
