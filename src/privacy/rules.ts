/**
 * The classes FullStory users already put in their markup; they always apply, whatever the
 * options say (FullStory's "fs-exclude", "fs-mask", "fs-unmask" conventions).
 */
export const EXCLUDE_CLASS = 'fs-exclude';
export const MASK_CLASS = 'fs-mask';
export const UNMASK_CLASS = 'fs-unmask';

/** Characters of masked text become this; whitespace stays, so the replay lays out the same. */
export const MASK_CHARACTER = '*';

/**
 * Joins the built-in class with the site's selectors into one selector list. A selector the
 * browser cannot parse is dropped (and reported through `onInvalid`) rather than making every
 * later `matches` call throw; with no document to parse against, selectors are kept as given.
 */
export function compileSelectors(builtInClass: string, selectors: string[] | undefined, onInvalid: (selector: string) => void): string {
  const probe = typeof document === 'undefined' ? null : document.createElement('div');
  const valid = [`.${builtInClass}`];
  for (const selector of selectors ?? []) {
    if (typeof selector !== 'string' || !selector.trim()) continue;
    try {
      probe?.matches(selector);
      valid.push(selector);
    } catch {
      onInvalid(selector);
    }
  }
  return valid.join(',');
}

/** True when some selector in the list can depend on an element's ancestors or siblings. */
export function dependsOnContext(selectorList: string): boolean {
  return /[\s>+~]/.test(selectorList.replace(/\s*,\s*/g, ','));
}

/**
 * Password and payment-card fields are masked whatever the configuration (DESIGN.md privacy
 * promises); `autocomplete` tokens for cards all start with "cc-" (HTML autofill field names).
 */
export function isAlwaysMaskedField(element: Element): boolean {
  if (element.localName !== 'input' && element.localName !== 'textarea' && element.localName !== 'select') return false;
  if ((element.getAttribute('type') ?? '').toLowerCase() === 'password') return true;
  const autocomplete = (element.getAttribute('autocomplete') ?? '').toLowerCase();
  return autocomplete.split(/\s+/).some((token) => token.startsWith('cc-'));
}

export function maskText(text: string): string {
  return text.replace(/\S/g, MASK_CHARACTER);
}
