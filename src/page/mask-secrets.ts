/** Runs of 13 to 19 digits, spaces or dashes allowed between them: the lengths of payment card numbers (ISO/IEC 7812). */
const CARD_NUMBER = /\b\d(?:[ -]?\d){12,18}\b/g;
/** Something@something.tld: the shape an address has, not full RFC 5322. */
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;

/** The Luhn checksum every card number satisfies; it spares most other long numbers (a 13-digit Date.now(), an order id). */
function luhn(run: string): boolean {
  let sum = 0;
  const digits = run.replace(/\D/g, '');
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Free text the page produced (console messages, allow-listed request bodies) with card numbers
 * (Luhn-valid runs) and email-like substrings masked by `mask`: under Form Privacy these are the
 * values the input rules would have masked, so they do not leave through a log line or a response instead.
 */
export function maskSecrets(text: string, mask: (text: string) => string): string {
  return text.replace(CARD_NUMBER, (run) => (luhn(run) ? mask(run) : run)).replace(EMAIL, mask);
}
