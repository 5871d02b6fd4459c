import { IncrementalSource } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import type { Roots } from './roots';
import { idOf } from './target';

/**
 * A <style> with text is recorded by its text, which is what the player parses. A script may have
 * inserted or deleted rules through the CSSOM before recording started (rrweb's recorder reads
 * every sheet as `_cssText` for this reason, paying a stringification of every rule of every
 * sheet). Here only the count of braced rules is compared with the count of closing braces in the
 * text, which costs no stringification: where they differ, the sheet's rules as the browser holds
 * them replace the parsed ones, in one StyleSheetRule event right after the snapshot. Braces in
 * comments or strings, or rules the browser dropped, only make that replacement happen needlessly.
 * A declaration changed in place before recording keeps the count and is not seen.
 */
export function resyncEditedStyles(ctx: RecordContext, roots: Roots): void {
  for (const root of roots.current()) {
    for (const style of root.querySelectorAll('style')) {
      const rules = style.sheet?.cssRules;
      const id = idOf(ctx, style);
      // An element's textContent is never null.
      const parsed = (style.textContent as string).split('}').length - 1;
      if (!rules || id === -1 || bracedRules(rules) === parsed || ctx.privacy.isExcluded(style)) continue;
      // rrweb's Replayer applies adds before removes: the live rules go in front, then the rules
      // parsed from the text, which follow them, are removed. There are at most one per closing
      // brace plus those without a block (@import, @layer a;), for which the live count is the
      // margin; a removal past the end fails quietly in the Replayer.
      ctx.emitIncremental({
        source: IncrementalSource.StyleSheetRule,
        id,
        adds: Array.from(rules, (rule, index) => ({ rule: rule.cssText, index })),
        removes: Array.from({ length: parsed + rules.length }, () => ({ index: rules.length })),
      });
    }
  }
}

/** Rules with a block of their own (style, group, keyframes, font-face…), nested ones included. */
function bracedRules(rules: CSSRuleList): number {
  let count = 0;
  for (const rule of rules as Iterable<CSSRule & { cssRules?: CSSRuleList; style?: unknown }>) {
    count += rule.cssRules ? 1 + bracedRules(rule.cssRules) : rule.style ? 1 : 0;
  }
  return count;
}
