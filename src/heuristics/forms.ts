import type { AbandonFact, ChangeFact } from '../facts';
import type { Privacy } from '../privacy/types';
import { suspicion } from './suspicious';
import { isTextField, selectorToken } from './target';
import type { Thresholds } from './thresholds';

/**
 * `change` facts for committed text fields, judged for suspicion on the raw value before masking,
 * and `abandon` facts for forms with edited fields that are left without a submit.
 */
export function createFormTracker(options: {
  thresholds: Thresholds;
  privacy: Privacy;
  emitChange: (payload: ChangeFact) => void;
  emitAbandon: (payload: AbandonFact) => void;
}) {
  const { thresholds, privacy, emitChange, emitAbandon } = options;
  const edited = new Map<Element, { fields: Set<Node>; since: number }>();

  return {
    /** A field was edited by the user (an Input event of the stream). */
    edit(field: Node | null, at: number): void {
      const element = field && field.nodeType === 1 ? (field as Element) : null;
      const form = element && ((element as HTMLInputElement).form ?? element.closest('form'));
      if (!form) return;
      const entry = edited.get(form) ?? { fields: new Set<Node>(), since: at };
      entry.fields.add(field as Node);
      edited.set(form, entry);
    },

    submit(form: Element): void {
      edited.delete(form);
    },

    /** The browser's `change` event: the field's value is committed; suspicion is judged on the raw value. */
    commit(field: Node, at: number): void {
      if (!isTextField(field) || privacy.isExcluded(field)) return;
      const raw = field.value ?? '';
      const shown = privacy.isMasked(field) ? privacy.maskValue(raw) : raw;
      emitChange({
        EventStart: at,
        EventTargetText: shown.slice(0, thresholds.targetTextMax),
        EventTargetSelectorTok: selectorToken(field, privacy),
        EventModSuspicious: suspicion(raw),
      });
    },

    /** The user left the page or the route: every form with unsubmitted edits is abandoned. */
    leave(): void {
      for (const [form, entry] of edited) {
        emitAbandon({
          EventStart: entry.since,
          EventTargetSelectorTok: selectorToken(form, privacy),
          editedFields: entry.fields.size,
        });
      }
      edited.clear();
    },

    stop(): void {
      edited.clear();
    },
  };
}
