import type { Privacy, PrivacyOptions } from './types';
import {
  EXCLUDE_CLASSES,
  EXCLUDE_WITHOUT_CONSENT_CLASS,
  MASK_CLASSES,
  MASK_WITHOUT_CONSENT_CLASS,
  UNMASK_CLASSES,
  UNMASK_WITH_CONSENT_CLASS,
  compileSelectors,
  dependsOnContext,
  isAlwaysMaskedField,
  isFormField,
  maskText,
  maskValue,
  selectorInputs,
} from './rules';
import { createUrlRedactor } from './urls';

export type { Privacy, PrivacyOptions } from './types';
export { maskText, maskValue } from './rules';

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
  /** URLs recorded from DOM attributes go through `redactUrl` too (`urlPrivacy.attributes`). */
  readonly redactsUrlAttributes: boolean;
  /** The exclude selector list (`.fs-exclude` and the site's selectors) as consent stands now. */
  readonly excludeSelector: string;
  /**
   * The visitor's element-level consent (FullStory's `consent()`): the consent classes apply
   * until it is given and again once it is revoked. Cached decisions are forgotten.
   */
  setConsent(granted: boolean): void;
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
  const exclude = compileSelectors(EXCLUDE_CLASSES, options.exclude, reportInvalid);
  const mask = compileSelectors(MASK_CLASSES, options.mask, reportInvalid);
  const unmask = compileSelectors(UNMASK_CLASSES, options.unmask, reportInvalid);
  /** The selector lists as they stand with and without the visitor's consent. */
  const compile = (consented: boolean) => {
    const rules = consented
      ? { exclude: exclude.join(','), mask: mask.join(','), unmask: [...unmask, `.${UNMASK_WITH_CONSENT_CLASS}`].join(',') }
      : {
          exclude: [...exclude, `.${EXCLUDE_WITHOUT_CONSENT_CLASS}`].join(','),
          mask: [...mask, `.${MASK_WITHOUT_CONSENT_CLASS}`, `.${UNMASK_WITH_CONSENT_CLASS}`].join(','),
          unmask: unmask.join(','),
        };
    return { ...rules, anyRule: `${rules.exclude},${rules.mask},${rules.unmask}` };
  };
  const withConsent = compile(true);
  const withoutConsent = compile(false);
  let rules = options.consent === true ? withConsent : withoutConsent;
  const maskedByDefault = options.privateByDefault === true;
  const formPrivacy = options.formPrivacy !== false;
  // Read from the larger list, so a class that only matters without consent still counts.
  const excludeInputs = selectorInputs(withoutConsent.exclude);
  // Any of the class names as a substring, in any case (quirks-mode documents match classes so).
  const wantedClasses =
    excludeInputs?.classes && new RegExp(excludeInputs.classes.map((name) => name.replace(/[^\w]/g, '\\$&')).join('|'), 'i');

  /** A form field is masked by Form Privacy unless it or an ancestor is unmasked (`closest`: fields are few). */
  const formMasked = (element: Element) => formPrivacy && isFormField(element) && !element.closest(rules.unmask);

  const classify = (element: Element, parentMasked: boolean): Decision => {
    if (!element.matches(rules.anyRule)) return parentMasked || isAlwaysMaskedField(element) || formMasked(element) ? MASKED : VISIBLE;
    if (element.matches(rules.exclude)) return EXCLUDED;
    if (element.matches(rules.mask) || isAlwaysMaskedField(element)) return MASKED;
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
    inherited(excludedCache, node, false, (element, parentExcluded) => parentExcluded || element.matches(rules.exclude));

  const isMasked = (node: Node): boolean =>
    isExcluded(node) || inherited(maskedCache, node, maskedByDefault, (element, parentMasked) => classify(element, parentMasked) !== VISIBLE);

  return {
    isExcluded,
    isMasked,
    maskText,
    maskValue,
    redactUrl: createUrlRedactor(options.urlPrivacy),
    redactsUrlAttributes: options.urlPrivacy?.attributes === true,
    invalidate() {
      generation++;
    },
    setConsent(granted) {
      rules = granted ? withConsent : withoutConsent;
      generation++;
    },
    classify,
    maskedByDefault,
    get excludeSelector() {
      return rules.exclude;
    },
    excludeDependsOnContext: dependsOnContext(withoutConsent.exclude),
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
