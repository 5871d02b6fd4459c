/**
 * The classes FullStory users already put in their markup; they always apply, whatever the
 * options say (FullStory's "fs-exclude", "fs-mask", "fs-unmask" conventions; "fs-block" is
 * FullStory's older name for exclude).
 */
export const EXCLUDE_CLASSES = ['fs-exclude', 'fs-block'];
export const MASK_CLASSES = ['fs-mask'];
export const UNMASK_CLASSES = ['fs-unmask'];
/**
 * FullStory's element-level consent classes (developer.fullstory.com, "User Consent"): until the
 * visitor consents they act as exclude, mask and mask; after consent the first two are inert and
 * the last unmasks.
 */
export const EXCLUDE_WITHOUT_CONSENT_CLASS = 'fs-exclude-without-consent';
export const MASK_WITHOUT_CONSENT_CLASS = 'fs-mask-without-consent';
export const UNMASK_WITH_CONSENT_CLASS = 'fs-unmask-with-consent';

/**
 * A masked field value is always this many mask characters (an empty value stays empty), so the
 * length of a password or card number does not leave the page. Our choice: FullStory does not
 * publish its mask length.
 */
export const MASKED_VALUE_LENGTH = 8;

/** Attributes that hold text a person reads; masked wherever the element's text is (`value`: record/attributes.ts). */
export const TEXT_ATTRIBUTES = new Set(['title', 'alt', 'placeholder', 'aria-label', 'label', 'aria-description', 'aria-valuetext']);

/** Input types whose value is a label, not something the visitor entered. */
const LABEL_INPUT_TYPES = new Set(['button', 'submit', 'reset', 'image']);

/** Characters of masked text become this; whitespace stays, so the replay lays out the same. */
export const MASK_CHARACTER = '*';

/**
 * Joins the built-in class with the site's selectors into one selector list. A selector the
 * browser cannot parse is dropped (and reported through `onInvalid`) rather than making every
 * later `matches` call throw; with no document to parse against, selectors are kept as given.
 */
export function compileSelectors(builtInClasses: string[], selectors: string[] | undefined, onInvalid: (selector: string) => void): string[] {
  const probe = typeof document === 'undefined' ? null : document.createElement('div');
  const valid = builtInClasses.map((name) => `.${name}`);
  for (const selector of selectors ?? []) {
    if (typeof selector !== 'string' || !selector.trim()) continue;
    try {
      probe?.matches(selector);
      valid.push(selector);
    } catch {
      onInvalid(selector);
    }
  }
  return valid;
}

/** True when some selector in the list can depend on an element's ancestors or siblings. */
export function dependsOnContext(selectorList: string): boolean {
  return /[\s>+~]/.test(selectorList.replace(/\s*,\s*/g, ','));
}

/**
 * What a selector list reads of an element itself: the attribute names it tests (lower case) and
 * the class names its class selectors ask for (`null` when an attribute selector reads `class`,
 * so any class value may count). An element's match can only change when one of those attributes
 * changes, which lets the recorder skip `matches` for most attribute changes. The whole answer is
 * `null` when the list reads more than attributes (pseudo-classes) or is written in a way this
 * scan cannot follow (escapes): then every attribute change must be checked.
 */
export interface SelectorInputs {
  attributes: Set<string>;
  classes: string[] | null;
}

const CLASS_SELECTOR = /\.([\w\u0080-\uffff-]+)/g;
const ATTRIBUTE_SELECTOR = /\[\s*(?:[\w*-]*\|)?([\w\u0080-\uffff-]+)/g;

export function selectorInputs(selectorList: string): SelectorInputs | null {
  if (/[:\\]/.test(selectorList)) return null;
  const attributes = new Set<string>();
  for (const match of selectorList.matchAll(ATTRIBUTE_SELECTOR)) attributes.add(match[1].toLowerCase());
  // A dot inside an attribute value reads as a class here too: more candidates, never fewer.
  const classes = [...selectorList.matchAll(CLASS_SELECTOR)].map((match) => match[1].toLowerCase());
  const classReadAsAttribute = attributes.has('class');
  if (classes.length) attributes.add('class');
  if (selectorList.includes('#')) attributes.add('id');
  return { attributes, classes: classReadAsAttribute ? null : classes };
}

/**
 * Password and payment-card fields are masked whatever the configuration: FullStory's privacy
 * statements promise passwords and payment details are never collected, and sites switching
 * rely on it. `autocomplete` tokens for cards all start with "cc-" (HTML autofill field names).
 */
export function isAlwaysMaskedField(element: Element): boolean {
  if (element.localName !== 'input' && element.localName !== 'textarea' && element.localName !== 'select') return false;
  if ((element.getAttribute('type') ?? '').toLowerCase() === 'password') return true;
  const autocomplete = (element.getAttribute('autocomplete') ?? '').toLowerCase();
  return autocomplete.split(/\s+/).some((token) => token.startsWith('cc-'));
}

/**
 * What Form Privacy masks (FullStory's default): what the visitor types or picks in an input (any
 * type but the label-only ones), a textarea, a select or a contenteditable element.
 */
export function isFormField(element: Element): boolean {
  const name = element.localName;
  if (name === 'textarea' || name === 'select') return true;
  if (name === 'input') return !LABEL_INPUT_TYPES.has((element.getAttribute('type') ?? '').toLowerCase());
  const editable = element.getAttribute('contenteditable');
  return editable !== null && editable.toLowerCase() !== 'false';
}

export function maskText(text: string): string {
  return text.replace(/\S/g, MASK_CHARACTER);
}

export function maskValue(value: string): string {
  return value ? MASK_CHARACTER.repeat(MASKED_VALUE_LENGTH) : value;
}
