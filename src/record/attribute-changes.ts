import type { attributeMutation } from '@rrweb/types';
import { dependsOnElement, dialogOpenMode, recordedAttribute } from './attributes';
import type { MutationEnv } from './mutations';
import type { SerializeScope } from './serialize';

/**
 * The attribute changes of one batch, read as the records come (the DOM is final for the whole
 * batch, so each value is read once, at its first record). An element that now matches the
 * exclude selector gives no values: it is replaced by a placeholder; so is a placeholder whose
 * exclusion ends. `result(idsMoved)` drops changes read under an id that no longer stands for the
 * same element (removed, moved or replaced later in the batch): its add covers it.
 */
export function createAttributeChanges(env: MutationEnv) {
  const { mirror, privacy, placeholders } = env;
  const changes: attributeMutation[] = [];
  const changedElements: Element[] = [];
  // What each element's records come to: its change, or null when nothing of it is recorded.
  const byElement = new Map<Element, attributeMutation | null>();
  const exclusionCandidates = new Set<Element>();
  const nowExcluded = new Set<Element>();
  let someEmpty = false;
  // A batch mostly sets one attribute to one value on many elements (a class on a list's items,
  // the attributes workload's 10,000 divs). Where the recorded value depends only on the name,
  // value and document, the last answer serves the repeats: the mutation path's largest cost in
  // a fresh page, whose code still runs unoptimized (profiled here, bench/run.ts --profile).
  let lastName = '';
  let lastValue: string | null = null;
  let lastDoc: Document | null = null;
  let lastRecorded: string | null | undefined;
  let lastMayExclude = false;
  let lastDocument: Document | null = null;
  let lastScope: SerializeScope | undefined;

  const scopeFor = (element: Element) => {
    const document = element.ownerDocument;
    if (document !== lastDocument) {
      lastDocument = document;
      lastScope = env.scopeOf(element);
    }
    return lastScope;
  };

  const startChange = (element: Element): attributeMutation | null => {
    const id = mirror.getId(element);
    if (id === -1 || placeholders.has(id) || (privacy.excludeDependsOnContext && privacy.isExcluded(element)) || !scopeFor(element)) {
      return null;
    }
    const change = { id, attributes: {} };
    changes.push(change);
    changedElements.push(element);
    return change;
  };

  return {
    exclusionCandidates,
    note(element: Element, name: string) {
      let change = byElement.get(element);
      let scope: SerializeScope | undefined;
      if (change === undefined) {
        change = startChange(element);
        byElement.set(element, change);
        // A change started leaves its element's scope in lastScope: no second ownerDocument read.
        scope = lastScope;
      } else if (change !== null) {
        if (hasOwn(change.attributes, name)) return;
        scope = scopeFor(element);
      }
      if (change === null) {
        const id = mirror.getId(element);
        if (id !== -1 && placeholders.has(id) && privacy.exclusionMayChange(name, null, true)) exclusionCandidates.add(element);
        return;
      }
      const raw = element.getAttribute(name);
      const doc = (scope as SerializeScope).doc;
      let value: string | null | undefined;
      let mayExclude: boolean;
      if (raw === lastValue && name === lastName && doc === lastDoc) {
        value = lastRecorded;
        mayExclude = lastMayExclude;
      } else {
        value = recordedAttribute(element, name, raw, doc, privacy, null);
        mayExclude = value !== undefined && privacy.exclusionMayChange(name, value, false);
        if (!dependsOnElement(name)) {
          lastName = name;
          lastValue = raw;
          lastDoc = doc;
          lastRecorded = value;
          lastMayExclude = mayExclude;
        }
      }
      if (value === undefined) {
        someEmpty = true;
        return;
      }
      // A dialog opened or closed also says how, ahead of `open`: the Replayer acts on rr_open_mode
      // (showModal, show, or close while the dialog is still open; removing `open` alone leaves
      // a modal dialog in the top layer).
      if (name === 'open' && element.localName === 'dialog') change.attributes.rr_open_mode = value === null ? 'non-modal' : dialogOpenMode(element);
      change.attributes[name] = value;
      if (mayExclude) {
        exclusionCandidates.add(element);
        if (element.matches(privacy.excludeSelector)) nowExcluded.add(element);
      }
    },
    result(idsMoved: boolean): attributeMutation[] {
      if (!idsMoved && !nowExcluded.size && !someEmpty) return changes;
      return changes.filter(
        (change, index) =>
          !nowExcluded.has(changedElements[index]) &&
          mirror.getNode(change.id) === changedElements[index] &&
          Object.keys(change.attributes).length > 0,
      );
    },
  };
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
