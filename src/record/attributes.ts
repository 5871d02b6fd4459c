import type { PrivacyRules } from '../privacy';
import { TEXT_ATTRIBUTES } from '../privacy/rules';
import { URL_ATTRIBUTES, resolveAttribute } from './urls';

/** Attributes whose recorded value depends on the element they are on. */
const TAG_DEPENDENT_ATTRIBUTES = new Set(['src', 'srcdoc', 'autoplay', 'value', 'data']);

/** Whether what is recorded for attribute `name` depends on the element, beyond its value and document. */
export const dependsOnElement = (name: string) => TEXT_ATTRIBUTES.has(name) || TAG_DEPENDENT_ATTRIBUTES.has(name);

/**
 * What the recording holds for attribute `name` of `element`, whose value on the page is `value`
 * (null: removed), or undefined when the attribute is never recorded. The one policy for the
 * snapshot (serialize.ts) and for attribute mutations (mutations.ts):
 * - URLs are made absolute against the document (urls.ts);
 * - an iframe's src/srcdoc never: the replay must not load the page's frame itself;
 * - media autoplay never: it would start media in the replay on its own, as rrweb also drops it;
 * - a hidden input's value never; a textarea's value is its live value; an input's or textarea's
 *   value is masked where the privacy rules mask the element, to a fixed length;
 * - URLs go through the URL rules when the site asks for it (`urlPrivacy.attributes`);
 * - text a person reads (title, alt, placeholder, aria-label…) is masked where the element is.
 * `masked` is the element's masking when the caller knows it; null asks the rules, and only for a
 * value or text attribute. The common attribute costs two Set lookups: no element read, no allocation.
 */
export function recordedAttribute(
  element: Element,
  name: string,
  value: string | null,
  doc: Document,
  privacy: PrivacyRules,
  masked: boolean | null,
): string | null | undefined {
  if (TEXT_ATTRIBUTES.has(name)) return value !== null && (masked ?? privacy.isMasked(element)) ? privacy.maskText(value) : value;
  if (!TAG_DEPENDENT_ATTRIBUTES.has(name)) return value === null ? null : redactedUrl(name, resolveAttribute('', name, value, doc), privacy);
  const tagName = element.localName;
  if (tagName === 'iframe' && (name === 'src' || name === 'srcdoc')) return undefined;
  if ((tagName === 'video' || tagName === 'audio') && name === 'autoplay') return undefined;
  if (name === 'value' && (tagName === 'input' || tagName === 'textarea')) {
    if (tagName === 'input' && (element.getAttribute('type') ?? '').toLowerCase() === 'hidden') return undefined;
    const recorded = tagName === 'textarea' ? (element as HTMLTextAreaElement).value : value;
    return recorded !== null && (masked ?? privacy.isMasked(element)) ? privacy.maskValue(recorded) : recorded;
  }
  // Any other element's value (option, button, li) is text it shows or submits.
  if (name === 'value' && value !== null && (masked ?? privacy.isMasked(element))) return privacy.maskText(value);
  return value === null ? null : redactedUrl(name, resolveAttribute(tagName, name, value, doc), privacy);
}

function redactedUrl(name: string, value: string, privacy: PrivacyRules): string {
  return privacy.redactsUrlAttributes && URL_ATTRIBUTES.has(name) ? privacy.redactUrl(value) : value;
}

/**
 * rrweb's `rr_open_mode` of an open <dialog>: a dialog opened with showModal() is in the top
 * layer (centred, with a backdrop, the rest inert), which no attribute shows; the Replayer calls
 * showModal() for 'modal' and show() for 'non-modal'.
 */
export function dialogOpenMode(dialog: Element): 'modal' | 'non-modal' {
  try {
    return dialog.matches(':modal') ? 'modal' : 'non-modal';
  } catch {
    // A browser without the :modal selector cannot tell; the dialog still replays open.
    return 'non-modal';
  }
}
