import type { adoptedStyleSheetData } from '@rrweb/types';
import { guard } from '../../lib/guard';
import { IncrementalSource } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import type { EventRoot, Roots } from './roots';
import { idOf } from './target';

export interface AdoptedSheets {
  /** The root's `adoptedStyleSheets` was set: send its list (at the end of the task). */
  adopted(root: EventRoot): void;
  /** A constructed sheet's rules changed: every root adopting it gets it again, in full. */
  changed(sheet: CSSStyleSheet): void;
  /** A new full snapshot: the player forgot every style id; send every adopted sheet again. */
  resend(): void;
  /** Sends what is pending. */
  flush(): void;
}

/**
 * Adopted stylesheets as rrweb's AdoptedStyleSheet events. A constructed sheet is never addressed
 * by a StyleSheetRule event: when rrweb's Replayer fast-forwards it applies every rule change of a
 * constructed sheet before it creates any sheet of that batch (its virtual DOM keeps the two in
 * separate queues), so a change would be lost or land on a stale sheet. Instead a changed sheet
 * is sent again whole under a fresh style id, in an AdoptedStyleSheet event of each root that
 * adopts it; the player creates the sheets of those events in order, so the last one wins in
 * both fast-forward and real-time play. Changes and adoptions of one task travel as one event
 * per root, after the task, when the mutation that brought a new shadow host is already recorded.
 *
 * Style ids come from `nextStyleId`, one counter for the whole recording: the player keeps one
 * style-id map for all documents, and a sheet of one frame must never be taken for another's
 * (adopting it there throws "Sharing constructed stylesheets in multiple documents is not allowed").
 */
export function trackAdoptedSheets(ctx: RecordContext, roots: Roots, nextStyleId: () => number): AdoptedSheets {
  let sent = new WeakMap<CSSStyleSheet, number>();
  const dirtyRoots = new Set<EventRoot>();
  const changedSheets = new Set<CSSStyleSheet>();
  let timer: number | undefined;

  const emit = (root: EventRoot) => {
    const sheets = root.adoptedStyleSheets;
    const hostId = idOf(ctx, root.nodeType === 9 ? root : (root as ShadowRoot).host);
    if (!sheets || hostId === -1) return;
    const styles: adoptedStyleSheetData['styles'] = [];
    const styleIds = Array.from(sheets, (sheet) => {
      let styleId = sent.get(sheet);
      if (styleId === undefined) {
        styleId = nextStyleId();
        sent.set(sheet, styleId);
        styles.push({ styleId, rules: Array.from(sheet.cssRules, (rule, index) => ({ rule: rule.cssText, index })) });
      }
      return styleId;
    });
    ctx.emitIncremental({ source: IncrementalSource.AdoptedStyleSheet, id: hostId, styleIds, styles });
  };

  const flush = () => {
    timer = undefined;
    if (changedSheets.size) {
      for (const sheet of changedSheets) sent.delete(sheet);
      for (const root of roots.current()) {
        if (Array.prototype.some.call(root.adoptedStyleSheets ?? [], (sheet: CSSStyleSheet) => changedSheets.has(sheet))) dirtyRoots.add(root);
      }
      changedSheets.clear();
    }
    for (const root of dirtyRoots) emit(root);
    dirtyRoots.clear();
  };
  const schedule = () => {
    timer ??= ctx.win.setTimeout(guard(ctx.reportError, flush), 0);
  };

  return {
    adopted(root) {
      dirtyRoots.add(root);
      schedule();
    },
    changed(sheet) {
      changedSheets.add(sheet);
      schedule();
    },
    resend() {
      sent = new WeakMap();
      for (const root of roots.current()) if (root.adoptedStyleSheets?.length) dirtyRoots.add(root);
      flush();
    },
    flush() {
      if (timer !== undefined) ctx.win.clearTimeout(timer);
      flush();
    },
  };
}
