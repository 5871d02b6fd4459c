import type { adoptedStyleSheetData } from '@rrweb/types';
import { guard } from '../../lib/guard';
import { IncrementalSource } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import type { EventRoot, Roots } from './roots';
import { idOf } from './target';

export interface AdoptedSheets {
  /** A root's `adoptedStyleSheets` was set (no argument), or a constructed sheet's rules changed. */
  changed(sheet?: CSSStyleSheet): void;
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
 * both fast-forward and real-time play. After a task that adopted or changed sheets, each root
 * whose list of style ids is not the one last sent gets one event; by then the mutation that
 * brought a new shadow host is recorded.
 *
 * Style ids come from `nextStyleId`, one counter for the whole recording: the player keeps one
 * style-id map for all documents, and a sheet of one frame must never be taken for another's
 * (adopting it there throws "Sharing constructed stylesheets in multiple documents is not allowed").
 */
export function trackAdoptedSheets(ctx: RecordContext, roots: Roots, nextStyleId: () => number): AdoptedSheets {
  let sent = new WeakMap<CSSStyleSheet, number>();
  let lastSent = new WeakMap<EventRoot, string>();
  let timer: number | undefined;

  const flush = () => {
    timer = undefined;
    for (const root of roots.current()) {
      const hostId = idOf(ctx, root.nodeType === 9 ? root : (root as ShadowRoot).host);
      if (hostId === -1) continue;
      const styles: adoptedStyleSheetData['styles'] = [];
      const styleIds = Array.from(root.adoptedStyleSheets ?? [], (sheet) => {
        let styleId = sent.get(sheet);
        if (styleId === undefined) {
          sent.set(sheet, (styleId = nextStyleId()));
          styles.push({ styleId, rules: Array.from(sheet.cssRules, (rule, index) => ({ rule: rule.cssText, index })) });
        }
        return styleId;
      });
      if (String(styleIds) === (lastSent.get(root) ?? '')) continue;
      lastSent.set(root, String(styleIds));
      ctx.emitIncremental({ source: IncrementalSource.AdoptedStyleSheet, id: hostId, styleIds, styles });
    }
  };

  return {
    changed(sheet) {
      if (sheet) sent.delete(sheet);
      timer ??= ctx.win.setTimeout(guard(ctx.reportError, flush), 0);
    },
    resend() {
      sent = new WeakMap();
      lastSent = new WeakMap();
      flush();
    },
    flush() {
      ctx.win.clearTimeout(timer);
      flush();
    },
  };
}
