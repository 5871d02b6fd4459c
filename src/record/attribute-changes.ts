import type { attributeMutation } from '@rrweb/types';
import { dialogOpenMode, recordedAttribute } from './attributes';
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
      if (change === undefined) {
        change = startChange(element);
        byElement.set(element, change);
      } else if (change !== null && hasOwn(change.attributes, name)) return;
      if (change === null) {
        const id = mirror.getId(element);
        if (id !== -1 && placeholders.has(id) && privacy.exclusionMayChange(name, null, true)) exclusionCandidates.add(element);
        return;
      }
      const value = recordedAttribute(element, name, element.getAttribute(name), (scopeFor(element) as SerializeScope).doc, privacy, null);
      if (value === undefined) {
        someEmpty = true;
        return;
      }
      // A dialog opened or closed also says how, ahead of `open`: the Replayer acts on rr_open_mode
      // (showModal, show, or close while the dialog is still open; removing `open` alone leaves
      // a modal dialog in the top layer).
      if (name === 'open' && element.localName === 'dialog') change.attributes.rr_open_mode = value === null ? 'non-modal' : dialogOpenMode(element);
      change.attributes[name] = value;
      if (privacy.exclusionMayChange(name, value, false)) {
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
