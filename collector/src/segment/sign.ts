import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Characters of base64url HMAC-SHA256 kept in ids and URLs: 22 characters are 132 bits, beyond guessing. */
const SIGNATURE_CHARS = 22;
/** Random bytes behind an operation id. */
const ID_BYTES = 12;

const sign = (secret: string, text: string): string =>
  createHmac('sha256', secret).update(text).digest('base64url').slice(0, SIGNATURE_CHARS);

/** Constant-time comparison: the time to refuse a signature says nothing about how close it was. */
export function signatureMatches(secret: string, text: string, signature: string): boolean {
  const expected = Buffer.from(sign(secret, text));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * An operation id: random, then its HMAC over the org. The collector can tell an id it issued (even
 * before a restart, with the secret from config.json) from one it never did: the first answers
 * FAILED once lost, the second 404.
 */
export function newOperationId(secret: string, orgId: string): string {
  const random = randomBytes(ID_BYTES).toString('base64url');
  return `${random}.${sign(secret, `operation\0${orgId}\0${random}`)}`;
}

export function operationIdIssued(secret: string, orgId: string, id: string): boolean {
  const [random, signature, extra] = id.split('.');
  return extra === undefined && !!random && !!signature && signatureMatches(secret, `operation\0${orgId}\0${random}`, signature);
}

/** The download URL's signature: the export and the URL's expiry (unix seconds), so neither can be changed. */
export const downloadSignature = (secret: string, exportId: string, expires: number): string =>
  sign(secret, `download\0${exportId}\0${expires}`);

export const downloadSignatureMatches = (secret: string, exportId: string, expires: number, signature: string): boolean =>
  signatureMatches(secret, `download\0${exportId}\0${expires}`, signature);
