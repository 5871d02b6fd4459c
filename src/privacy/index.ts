import type { Privacy, PrivacyOptions } from './types';
import {
  EXCLUDE_CLASS,
  MASK_CLASS,
  UNMASK_CLASS,
  compileSelectors,
  dependsOnContext,
  isAlwaysMaskedField,
  maskText,
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
}

/**
 * Compiles the site's rules. Decisions are cached per node (WeakMap, so nothing is retained)
 * and tagged with a generation that `invalidate()` bumps, so a class added later takes effect
 * on the next question without anyone walking the cache.
 */
export function createPrivacy(options: PrivacyOptions = {}): PrivacyRules {
  const reportInvalid = (selector: string) => {
    if (typeof console !== 'undefined') console.warn(`openstory: ignoring invalid privacy selector ${JSON.stringify(selector)}`);
  };
  const exclude = compileSelectors(EXCLUDE_CLASS, options.exclude, reportInvalid);
  const mask = compileSelectors(MASK_CLASS, options.mask, reportInvalid);
  const unmask = compileSelectors(UNMASK_CLASS, options.unmask, reportInvalid);
  const maskOrUnmask = `${mask},${unmask}`;
  const anyRule = `${exclude},${maskOrUnmask}`;
  const maskedByDefault = options.privateByDefault === true;

  // Each entry is generation * 2 + answer bit: one number per node, no allocation per lookup.
  let generation = 0;
  const excludedCache = new WeakMap<Node, number>();
  const maskedCache = new WeakMap<Node, number>();
  const cached = (cache: WeakMap<Node, number>, node: Node, decide: (node: Node) => boolean): boolean => {
    const entry = cache.get(node);
    if (entry !== undefined && Math.floor(entry / 2) === generation) return entry % 2 === 1;
    const answer = decide(node);
    cache.set(node, generation * 2 + (answer ? 1 : 0));
    return answer;
  };

  const decideExcluded = (node: Node): boolean => {
    for (let element = owningElement(node); element; element = enclosingElement(element)) {
      if (element.closest(exclude)) return true;
    }
    return false;
  };

  const decideMasked = (node: Node): boolean => {
    if (isExcluded(node)) return true;
    const start = owningElement(node);
    if (start && isAlwaysMaskedField(start)) return true;
    for (let element = start; element; element = enclosingElement(element)) {
      const nearest = element.closest(maskOrUnmask);
      if (nearest) return nearest.matches(mask);
    }
    return maskedByDefault;
  };

  const isExcluded = (node: Node) => cached(excludedCache, node, decideExcluded);

  return {
    isExcluded,
    isMasked: (node) => cached(maskedCache, node, decideMasked),
    maskText,
    invalidate() {
      generation++;
    },
    classify(element, parentMasked) {
      if (!element.matches(anyRule)) return parentMasked || isAlwaysMaskedField(element) ? MASKED : VISIBLE;
      if (element.matches(exclude)) return EXCLUDED;
      if (element.matches(mask) || isAlwaysMaskedField(element)) return MASKED;
      return VISIBLE;
    },
    maskedByDefault,
    excludeSelector: exclude,
    excludeDependsOnContext: dependsOnContext(exclude),
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
 * Where rules continue above the element's tree: the host of the shadow root it is in, or the
 * <iframe> element of the same-origin frame whose document it is in (null for the top window
 * and for cross-origin parents).
 */
function enclosingElement(element: Element): Element | null {
  const root = element.getRootNode();
  if (root.nodeType === 11) return (root as ShadowRoot).host ?? null;
  if (root.nodeType !== 9) return null;
  try {
    return (root as Document).defaultView?.frameElement ?? null;
  } catch {
    return null;
  }
}
