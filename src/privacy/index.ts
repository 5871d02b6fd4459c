import type { Privacy, PrivacyOptions } from './types';
import {
  EXCLUDE_CLASS,
  MASK_CLASS,
  UNMASK_CLASS,
  compileSelectors,
  dependsOnContext,
  isAlwaysMaskedField,
  maskText,
  selectorInputs,
} from './rules';

export type { Privacy, PrivacyOptions } from './types';
export { maskText } from './rules';

/** What an element's own rules say during a top-down walk (record/serialize.ts). */
export const EXCLUDED = 0;
export const MASKED = 1;
export const VISIBLE = 2;
export type Decision = typeof EXCLUDED | typeof MASKED | typeof VISIBLE;

/** The compiled rules, with what the recorder needs beyond the shared Privacy contract. */
export interface PrivacyRules extends Privacy {
  /**
   * Forgets cached decisions. The recorder calls it whenever a batch of DOM mutations changed
   * attributes or moved nodes, since either can change what a selector matches.
   */
  invalidate(): void;
  /** The element's own decision given whether its parent's content is masked. */
  classify(element: Element, parentMasked: boolean): Decision;
  /** Text and values are masked where no rule says otherwise. */
  readonly maskedByDefault: boolean;
  /** The exclude selector list (`.fs-exclude` and the site's selectors). */
  readonly excludeSelector: string;
  /**
   * Some exclude selector looks at ancestors or siblings, so an attribute change on one element
   * can exclude another.
   */
  readonly excludeDependsOnContext: boolean;
  /**
   * Whether setting attribute `name` to `value` (null: removed) can change whether an element
   * matches the exclude selector: make it match when it did not (`wasExcluded` false), or stop
   * matching when it did. False means the element's exclusion is certainly unchanged.
   */
  exclusionMayChange(name: string, value: string | null, wasExcluded: boolean): boolean;
}

/**
 * Compiles the site's rules. Decisions are cached per element (WeakMap, so nothing is retained)
 * and tagged with a generation that `invalidate()` bumps, so a class added later takes effect
 * on the next question without anyone walking the cache.
 */
export function createPrivacy(options: PrivacyOptions = {}): PrivacyRules {
  const reportInvalid = (selector: string) => {
    if (typeof console !== 'undefined') console.warn(`[openstory] ignoring invalid privacy selector ${JSON.stringify(selector)}`);
  };
  const exclude = compileSelectors(EXCLUDE_CLASS, options.exclude, reportInvalid);
  const mask = compileSelectors(MASK_CLASS, options.mask, reportInvalid);
  const unmask = compileSelectors(UNMASK_CLASS, options.unmask, reportInvalid);
  const maskOrUnmask = `${mask},${unmask}`;
  const anyRule = `${exclude},${maskOrUnmask}`;
  const maskedByDefault = options.privateByDefault === true;
  const excludeInputs = selectorInputs(exclude);
  // Any of the class names as a substring, in any case (quirks-mode documents match classes so).
  const wantedClasses =
    excludeInputs?.classes && new RegExp(excludeInputs.classes.map((name) => name.replace(/[^\w]/g, '\\$&')).join('|'), 'i');

  const classify = (element: Element, parentMasked: boolean): Decision => {
    if (!element.matches(anyRule)) return parentMasked || isAlwaysMaskedField(element) ? MASKED : VISIBLE;
    if (element.matches(exclude)) return EXCLUDED;
    if (element.matches(mask) || isAlwaysMaskedField(element)) return MASKED;
    return VISIBLE;
  };

  // Each entry is generation * 2 + answer bit: one number per node, no allocation per lookup.
  let generation = 0;
  const excludedCache = new WeakMap<Node, number>();
  const maskedCache = new WeakMap<Node, number>();

  /**
   * The answer for `node` where each element's answer follows from its own rules and its parent's
   * answer: walk up to the nearest element answered in this generation, then down again, caching
   * every element on the way. Siblings share their parent's cached answer, so a batch of changes
   * under one parent costs one step per element; iterative, so any depth is fine.
   */
  const inherited = (
    cache: WeakMap<Node, number>,
    node: Node,
    atTop: boolean,
    step: (element: Element, parentAnswer: boolean) => boolean,
  ): boolean => {
    const chain: Element[] = [];
    let answer = atTop;
    for (let element = owningElement(node); element; element = parentElementAcross(element)) {
      const entry = cache.get(element);
      if (entry !== undefined && Math.floor(entry / 2) === generation) {
        answer = entry % 2 === 1;
        break;
      }
      chain.push(element);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      answer = step(chain[i], answer);
      cache.set(chain[i], generation * 2 + (answer ? 1 : 0));
    }
    return answer;
  };

  const isExcluded = (node: Node): boolean =>
    inherited(excludedCache, node, false, (element, parentExcluded) => parentExcluded || element.matches(exclude));

  const isMasked = (node: Node): boolean =>
    isExcluded(node) || inherited(maskedCache, node, maskedByDefault, (element, parentMasked) => classify(element, parentMasked) !== VISIBLE);

  return {
    isExcluded,
    isMasked,
    maskText,
    invalidate() {
      generation++;
    },
    classify,
    maskedByDefault,
    excludeSelector: exclude,
    excludeDependsOnContext: dependsOnContext(exclude),
    exclusionMayChange(name, value, wasExcluded) {
      if (!excludeInputs) return true;
      const attributes = excludeInputs.attributes;
      if (!attributes.has(name) && !attributes.has(name.toLowerCase())) return false;
      if (wasExcluded || !wantedClasses || (name !== 'class' && name.toLowerCase() !== 'class')) return true;
      // To start matching through this change, a class the selectors ask for must now be there.
      return value !== null && wantedClasses.test(value);
    },
  };
}

/** The element whose rules govern the node: itself, its parent element, or its shadow host. */
function owningElement(node: Node): Element | null {
  if (node.nodeType === 1) return node as Element;
  if (node.nodeType === 11) return (node as ShadowRoot).host ?? null;
  const parent = node.parentNode;
  if (!parent) return null;
  return parent.nodeType === 1 ? (parent as Element) : owningElement(parent);
}

/**
 * The element whose rules also govern this one: its parent element, else (at the top of its
 * tree) the host of the shadow root it is in, or the <iframe> element of the same-origin frame
 * whose document it is in (null for the top window and for cross-origin parents).
 */
function parentElementAcross(element: Element): Element | null {
  const parent = element.parentElement;
  if (parent) return parent;
  const root = element.getRootNode();
  if (root.nodeType === 11) return (root as ShadowRoot).host ?? null;
  if (root.nodeType !== 9) return null;
  try {
    return (root as Document).defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}
