/** Runs of 13 to 19 digits, spaces or dashes allowed between them: the lengths of payment card numbers (ISO/IEC 7812). */
const CARD_NUMBER = /\b\d(?:[ -]?\d){12,18}\b/g;
/** Something@something.tld: the shape an address has, not full RFC 5322. */
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;

/**
 * Free text the page produced (console messages, allow-listed request bodies) with card-number-like
 * and email-like substrings masked by `mask`: under Form Privacy these are the values the input
 * rules would have masked, so they do not leave through a log line or a response instead.
 */
export function maskSecrets(text: string, mask: (text: string) => string): string {
  return text.replace(CARD_NUMBER, mask).replace(EMAIL, mask);
}
