import type { styleDeclarationData, styleSheetRuleData } from '@rrweb/types';
import { IncrementalSource } from '../../lib/rrweb';
import type { RecordContext } from '../types';
import { guard } from '../../lib/guard';
import { patchMethod, type CallHooks } from '../../lib/patch';
import { patchSetter } from '../../lib/patch-setter';
import { stopAll, type Stop } from './listen';
import type { EventRoot, Roots } from './roots';
import { idOf } from './target';
import { trackAdoptedSheets } from './adopted';
import { resyncEditedStyles } from './edited-styles';

type StyleWindow = Window & typeof globalThis;
type SheetChange = Omit<styleSheetRuleData, 'id' | 'styleId'> | Omit<styleDeclarationData, 'id' | 'styleId'>;

export interface StyleSheetObserver {
  stop: Stop;
  /** A new full snapshot was emitted: adopted stylesheets, which it does not carry, are sent again. */
  afterFullSnapshot(): void;
}

/**
 * CSSOM changes, which no MutationObserver sees: rules inserted or deleted through a <style>'s
 * sheet (also inside @media/@supports groups, addressed by an index path; also through the legacy
 * addRule/removeRule), a rule's declarations set or removed (`rule.style.setProperty`), constructed
 * sheets replaced, and adopted stylesheets of the document and of open shadow roots. A sheet owned by
 * an element is addressed by that element's id; a constructed sheet travels whole in the
 * AdoptedStyleSheet events of adopted.ts. Every patched prototype is restored on stop.
 */
export function observeStyleSheets(ctx: RecordContext, roots: Roots, nextStyleId: () => number): StyleSheetObserver {
  const win = ctx.win as StyleWindow;
  const adopted = trackAdoptedSheets(ctx, roots, nextStyleId);

  const addressOf = (owner: Node): { id: number } | null => {
    if (ctx.privacy.isExcluded(owner)) return null;
    const id = idOf(ctx, owner);
    return id === -1 ? null : { id };
  };

  // A script often creates a <style>, appends it and inserts rules in one task (CSS-in-JS does),
  // before the mutation that brings the element into the stream is recorded: its id is still
  // unknown. Such changes wait, in order, until after that mutation (a task later), because the
  // element is recorded with its text only and the player must replay the rules on top of it.
  let waiting: Array<() => void> = [];
  const flushWaiting = () => {
    const ready = waiting;
    waiting = [];
    for (const emit of ready) emit();
  };
  const emitChange = (sheet: CSSStyleSheet | null, change: SheetChange, mayWait = true) => {
    if (!sheet) return;
    const owner = sheet.ownerNode;
    if (!owner) return adopted.changed(sheet);
    const address = addressOf(owner);
    if (mayWait && (waiting.length || (!address && owner.isConnected && !ctx.privacy.isExcluded(owner)))) {
      if (!waiting.length) win.setTimeout(guard(ctx.reportError, flushWaiting), 0);
      waiting.push(() => emitChange(sheet, change, false));
      return;
    }
    if (address) ctx.emitIncremental({ ...address, ...change } as styleSheetRuleData | styleDeclarationData);
  };

  const afterCall = <T extends object>(proto: T, name: keyof T & string, after: CallHooks<T>['after']) =>
    patchMethod(proto, name, ctx.reportError, { after });
  const stops: Stop[] = [];
  const rules = (change: Omit<styleSheetRuleData, 'source' | 'id' | 'styleId'>) => ({ source: IncrementalSource.StyleSheetRule, ...change });
  const sheetProto = win.CSSStyleSheet?.prototype;
  if (sheetProto) {
    stops.push(
      afterCall(sheetProto, 'insertRule', (sheet, [rule], index) => emitChange(sheet, rules({ adds: [{ rule: String(rule), index: index as number }] }))),
      afterCall(sheetProto, 'deleteRule', (sheet, [index]) => emitChange(sheet, rules({ removes: [{ index: Number(index) }] }))),
      // Only constructed sheets have these; their new rules are in place once the promise settles.
      afterCall(sheetProto, 'replace', (sheet, _args, done) => void (done as Promise<unknown>).then(() => adopted.changed(sheet), () => undefined)),
      afterCall(sheetProto, 'replaceSync', (sheet) => adopted.changed(sheet)),
      // The legacy forms: addRule(selector, style, index = end) and removeRule(index = 0). The added
      // rule is read back, as the browser wrote it, rather than rebuilt from the arguments.
      afterCall(sheetProto, 'addRule', (sheet, [, , at]) => {
        const index = at === undefined ? sheet.cssRules.length - 1 : Number(at);
        const added = sheet.cssRules[index];
        if (added) emitChange(sheet, rules({ adds: [{ rule: added.cssText, index }] }));
      }),
      afterCall(sheetProto, 'removeRule', (sheet, [index]) => emitChange(sheet, rules({ removes: [{ index: Number(index ?? 0) }] }))),
    );
  }
  const groupProto = win.CSSGroupingRule?.prototype;
  if (groupProto) {
    stops.push(
      afterCall(groupProto, 'insertRule', (group, [rule], index) =>
        emitChange(group.parentStyleSheet, rules({ adds: [{ rule: String(rule), index: [...rulePath(group), index as number] }] })),
      ),
      afterCall(groupProto, 'deleteRule', (group, [index]) =>
        emitChange(group.parentStyleSheet, rules({ removes: [{ index: [...rulePath(group), Number(index)] }] })),
      ),
    );
  }
  // A rule's declarations. An element's inline style shares the prototype; its changes reach the
  // style attribute, which the MutationObserver records, so only declarations of a rule count.
  const declarationProto = win.CSSStyleDeclaration?.prototype;
  if (declarationProto) {
    const declarationOf = (style: CSSStyleDeclaration, change: Pick<styleDeclarationData, 'set' | 'remove'>) => {
      const rule = style.parentRule;
      if (rule) emitChange(rule.parentStyleSheet, { source: IncrementalSource.StyleDeclaration, index: rulePath(rule), ...change });
    };
    stops.push(
      afterCall(declarationProto, 'setProperty', (style, [property, value, priority]) =>
        declarationOf(style, { set: { property: String(property), value: value == null ? null : String(value), priority: priority == null ? undefined : String(priority) } }),
      ),
      afterCall(declarationProto, 'removeProperty', (style, [property]) => declarationOf(style, { remove: { property: String(property) } })),
    );
  }
  for (const proto of [win.Document?.prototype, win.ShadowRoot?.prototype]) {
    stops.push(patchSetter(proto as EventRoot | undefined, 'adoptedStyleSheets', ctx.reportError, () => adopted.changed()));
  }
  const afterFullSnapshot = () => {
    guard(ctx.reportError, resyncEditedStyles)(ctx, roots);
    adopted.resend();
  };
  afterFullSnapshot();
  stops.push(flushWaiting, adopted.flush);
  return { stop: stopAll(ctx, stops), afterFullSnapshot };
}

/** Indexes from the sheet down to `rule`, through enclosing group rules. */
function rulePath(rule: CSSRule): number[] {
  const path: number[] = [];
  for (let current: CSSRule | null = rule; current; current = current.parentRule) {
    const siblings = current.parentRule
      ? (current.parentRule as CSSGroupingRule).cssRules
      : current.parentStyleSheet?.cssRules;
    if (!siblings) break;
    path.unshift(Array.prototype.indexOf.call(siblings, current));
  }
  return path;
}
