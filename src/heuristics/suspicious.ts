import type { Suspicion } from '../facts';

/**
 * Likely attacks typed into fields or URLs. The patterns follow the payload families in the OWASP
 * testing guide (tautologies, UNION-based, stacked queries, comment truncation, time-based blind
 * SQL; script tags, event-handler attributes and script URLs for XSS), written so that ordinary
 * prose with apostrophes, quotes and angle brackets ("O'Brien said 3 < 5") does not match.
 */
const XSS_PATTERNS: RegExp[] = [
  /<\s*\/?\s*(script|iframe|frame|object|embed|applet|svg|math|base|link|meta|style)\b/i,
  /<\s*[a-z][^>]*[\s/"']on[a-z]+\s*=/i,
  /\b(javascript|vbscript)\s*:/i,
  /\bdata\s*:\s*text\/html/i,
  /\bsrcdoc\s*=/i,
  /\bexpression\s*\(/i,
];

const SQLI_PATTERNS: RegExp[] = [
  // ' OR 1=1, " or "a"="a, ') OR ('x'='x; `<` and `>` stay out: prose compares too ("3 < 5" and I <3 it)
  /['"`]\s*\)*\s*(or|and|\|\||&&)\s+\(*\s*(['"`][\w-]*['"`]|[\w-]+)\s*(=|<>|!=|\blike\b)\s*['"`\w-]/i,
  // OR 1=1 without a quote (numeric contexts)
  /\b(or|and)\s+(\d+)\s*=\s*\2\b/i,
  /\bunion\s+(all\s+)?select\b/i,
  /;\s*(drop|delete|insert|update|truncate|alter|create|exec|execute|shutdown|grant)\s+\w/i,
  // admin'-- , admin'#, admin'/* (glued to the quote), or a quote and `--` that end the value
  /\w['"`]\)*;?(--|#|\/\*)/,
  /\w['"`]\s*\)*\s*;?\s*--\s*$/,
  /\b(sleep|pg_sleep|benchmark)\s*\(\s*\d/i,
  /\bwaitfor\s+delay\s+['"]/i,
  /\bselect\b[^;]{0,80}\bfrom\b[^;]{0,80}\b(information_schema|sysobjects|pg_catalog|sqlite_master)\b/i,
];

const HTML_ENTITY = /&(#x?[0-9a-f]+|lt|gt|quot|apos|amp);?/gi;
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

function decodeEntities(text: string): string {
  return text.replace(HTML_ENTITY, (whole, body: string) => {
    const lower = body.toLowerCase();
    if (lower in NAMED_ENTITIES) return NAMED_ENTITIES[lower];
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
  });
}

function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The forms an attacker hides a payload in: as typed, URL-decoded (twice), entity-decoded. */
function variants(text: string): string[] {
  const once = decodePercent(text);
  const twice = decodePercent(once);
  return [text, once, twice, decodeEntities(twice)];
}

/** Classifies a raw value before any masking: 2 likely XSS, 1 likely SQL injection, 0 otherwise. */
export function suspicion(raw: string): Suspicion {
  if (!raw || raw.length < 4) return 0;
  const forms = variants(raw.slice(0, 4096));
  if (forms.some((form) => XSS_PATTERNS.some((pattern) => pattern.test(form)))) return 2;
  if (forms.some((form) => SQLI_PATTERNS.some((pattern) => pattern.test(form)))) return 1;
  return 0;
}
