import { PROPERTY_LIMITS, type PageVarsFact, type UserVarsFact } from '../facts';
import type { Warn } from '../lib/warn-once';

/*
 * Property rules from FullStory's "Client API Requirements" (help.fullstory.com, article
 * 360020623234): names start with a letter and use letters, digits, `_` and `-`; a name is at
 * most 512 characters including its type suffix; one call's payload is at most 512 KB; event
 * names are 1 to 250 characters. Payload, page and user caps are shared with the collector
 * (PROPERTY_LIMITS, facts.ts).
 */
export const MAX_PROPERTY_NAME_LENGTH = 512;
export const MAX_PAYLOAD_BYTES = PROPERTY_LIMITS.callPayloadBytes;
export const MAX_EVENT_NAME_LENGTH = 250;
/**
 * FullStory bounds cardinality per org on its servers, which a client cannot see; we bound one
 * call instead so a runaway object cannot fill a bundle. Our choice.
 */
export const MAX_PROPERTIES_PER_CALL = 100;
/**
 * Properties one page may hold, `pageName` aside: FullStory's documented limit for page
 * properties ("Set Page Properties": 50 unique properties per page). Names set before count
 * until the page ends; updating one of them is always allowed.
 */
export const MAX_PAGE_PROPERTIES = PROPERTY_LIMITS.pageProperties;
/**
 * Custom user vars: the names this page has set for its user count against the collector's
 * per-user bound, so a loop of setUserVars calls with new names is cut here with a warning rather
 * than silently at the collector (which also counts earlier pages' names).
 */
export const MAX_USER_PROPERTIES = PROPERTY_LIMITS.userProperties;
/** Longest string value kept. FullStory documents only the 512 KB payload cap; ours, per value. */
export const MAX_STRING_VALUE_LENGTH = 4096;
/** Nested objects deeper than this are dropped (FullStory indexes nested objects; ours). */
export const MAX_NESTING_DEPTH = 4;

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
type Scalar = 'str' | 'int' | 'real' | 'bool' | 'date';
const SUFFIX = /_(str|int|real|bool|date)(s?)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export interface PropertyContext {
  /** What the site called, for the warning: `FS.event("Checkout")`, `FS.setUserVars`. */
  call: string;
  warn: Warn;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** The value converted to the type, or undefined when it is not of that type. */
function coerce(value: unknown, type: Scalar): unknown {
  switch (type) {
    case 'str':
      return typeof value === 'string' && value.length <= MAX_STRING_VALUE_LENGTH ? value : undefined;
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
    case 'real':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'bool':
      return typeof value === 'boolean' ? value : undefined;
    case 'date': {
      const date = value instanceof Date ? value : typeof value === 'string' && ISO_DATE.test(value) ? new Date(value) : null;
      return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
    }
  }
}

function infer(value: unknown): Scalar | undefined {
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  // FullStory infers every number as a real ("Custom Properties", type inference).
  if (typeof value === 'number') return 'real';
  if (value instanceof Date) return 'date';
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > MAX_STRING_VALUE_LENGTH ? `a string longer than ${MAX_STRING_VALUE_LENGTH} characters` : `"${value.slice(0, 40)}"`;
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

const TYPE_NAMES: Record<Scalar, string> = { str: 'a string', int: 'an integer', real: 'a number', bool: 'a boolean', date: 'a Date or ISO-8601 string' };

/**
 * Validates one call's properties: every kept property comes out with its type suffix
 * (`plan_str`, `amount_real`, `tags_strs`), inferred when the site gave none. An invalid
 * property is dropped with one warning naming it and the rule; the others go through.
 */
export function normalizeProperties(input: unknown, context: PropertyContext, depth = 0, path = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input === undefined || input === null) return out;
  const drop = (name: string, rule: string) =>
    context.warn(`${context.call}:${path}${name}:${rule}`, `${context.call}: property "${path}${name}" dropped: ${rule}.`);
  if (!isPlainObject(input)) {
    context.warn(`${context.call}:${path}:object`, `${context.call}: properties must be a plain object; got ${describe(input)}.`);
    return out;
  }
  let count = 0;
  for (const [name, value] of Object.entries(input)) {
    if (!NAME.test(name)) {
      drop(name, 'names start with a letter and contain only letters, digits, "_" and "-"');
      continue;
    }
    if (value === undefined || value === null) {
      drop(name, 'the value is null or undefined');
      continue;
    }
    if (count >= MAX_PROPERTIES_PER_CALL) {
      drop(name, `at most ${MAX_PROPERTIES_PER_CALL} properties per call`);
      continue;
    }
    if (isPlainObject(value)) {
      if (depth + 1 >= MAX_NESTING_DEPTH) drop(name, `objects nest at most ${MAX_NESTING_DEPTH} levels deep`);
      else {
        out[name] = normalizeProperties(value, context, depth + 1, `${path}${name}.`);
        count++;
      }
      continue;
    }
    const match = SUFFIX.exec(name);
    const plural = match ? match[2] === 's' : Array.isArray(value);
    const type = (match?.[1] as Scalar | undefined) ?? (Array.isArray(value) ? infer(value[0]) : infer(value));
    if (!type) {
      drop(name, Array.isArray(value) ? 'arrays hold strings, numbers, booleans or dates only (no objects or empty arrays without a suffix)' : `unsupported value ${describe(value)}`);
      continue;
    }
    const suffixed = match ? name : `${name}_${type}${plural ? 's' : ''}`;
    if (suffixed.length > MAX_PROPERTY_NAME_LENGTH) {
      drop(name, `names are at most ${MAX_PROPERTY_NAME_LENGTH} characters including the type suffix`);
      continue;
    }
    if (plural) {
      const items = Array.isArray(value) ? value.map((item) => coerce(item, type)) : [];
      if (!Array.isArray(value) || items.some((item) => item === undefined)) {
        drop(name, `suffix _${type}s needs an array of ${TYPE_NAMES[type].replace(/^an? /, '')} values`);
        continue;
      }
      out[suffixed] = items;
    } else {
      const coerced = coerce(value, type);
      if (coerced === undefined) {
        drop(name, `${match ? `suffix _${type}` : 'the value'} needs ${TYPE_NAMES[type]}${type === 'str' ? ` of at most ${MAX_STRING_VALUE_LENGTH} characters` : ''}; got ${describe(value)}`);
        continue;
      }
      out[suffixed] = coerced;
    }
    count++;
  }
  return out;
}

/** True when the validated payload fits FullStory's per-call cap; warns otherwise. */
export function fitsPayload(payload: unknown, context: PropertyContext): boolean {
  const bytes = new Blob([JSON.stringify(payload)]).size;
  if (bytes <= MAX_PAYLOAD_BYTES) return true;
  context.warn(`${context.call}:payload`, `${context.call}: call dropped: its payload is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit.`);
  return false;
}

/**
 * Of a call's validated properties, those that fit a cap of `max` names: names in `known` (set
 * earlier on this page) always update; new ones are kept while the total stays within `max`, and
 * the rest are dropped with one warning.
 */
function withinNameCap(vars: Record<string, unknown>, known: ReadonlySet<string>, max: number, holder: string, context: PropertyContext): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  let total = known.size;
  for (const [name, value] of Object.entries(vars)) {
    if (known.has(name)) kept[name] = value;
    else if (total < max) {
      total++;
      kept[name] = value;
    } else context.warn(`${context.call}:${holder}-limit`, `${context.call}: property "${name}" and any further new ones dropped: a ${holder} holds at most ${max} properties.`);
  }
  return kept;
}

/**
 * User vars: FullStory's special `displayName` and `email` (strings, exported as UserDisplayName
 * and UserEmail) beside the custom vars. `uid` belongs to identify and is left out. Null when
 * nothing valid remains or the call is over the payload cap.
 */
export function normalizeUserVars(input: unknown, context: PropertyContext): UserVarsFact | null {
  const special: Omit<UserVarsFact, 'vars'> = {};
  const custom: Record<string, unknown> = {};
  for (const [name, value] of isPlainObject(input) ? Object.entries(input) : []) {
    if (name === 'displayName' || name === 'email') {
      if (typeof value === 'string') special[name === 'email' ? 'UserEmail' : 'UserDisplayName'] = value;
      else context.warn(`${context.call}:${name}:string`, `${context.call}: property "${name}" dropped: it must be a string.`);
    } else if (name !== 'uid') custom[name] = value;
  }
  const payload = { ...special, vars: normalizeProperties(isPlainObject(input) ? custom : input, context) };
  if (Object.keys(special).length === 0 && Object.keys(payload.vars).length === 0) return null;
  return fitsPayload(payload, context) ? payload : null;
}

/**
 * A user vars payload within MAX_USER_PROPERTIES: `known` holds the custom names this page has set
 * for the current user and gains the kept ones. Applied when the payload is emitted, after an
 * identify has decided which user it belongs to. Null when nothing is left.
 */
export function withinUserCap(payload: UserVarsFact, known: Set<string>, context: PropertyContext): UserVarsFact | null {
  const vars = withinNameCap(payload.vars, known, MAX_USER_PROPERTIES, 'user', context);
  for (const name of Object.keys(vars)) known.add(name);
  const kept = { ...payload, vars };
  return Object.keys(kept).length > 1 || Object.keys(vars).length > 0 ? kept : null;
}

/**
 * FS('setProperties', { type: 'page' }): `pageName` is FullStory's special page property, a
 * string. `stored`: the page's properties so far; new names past MAX_PAGE_PROPERTIES are dropped.
 */
export function normalizePageVars(input: unknown, context: PropertyContext, stored: Record<string, unknown> = {}): PageVarsFact | null {
  const { pageName, ...custom } = isPlainObject(input) ? input : {};
  const vars = withinNameCap(normalizeProperties(custom, context), new Set(Object.keys(stored)), MAX_PAGE_PROPERTIES, 'page', context);
  const payload: PageVarsFact = { vars };
  if (typeof pageName === 'string') payload.PageName = pageName;
  else if (pageName !== undefined) context.warn(`${context.call}:pageName:string`, `${context.call}: property "pageName" dropped: it must be a string.`);
  if (payload.PageName === undefined && Object.keys(payload.vars).length === 0) return null;
  return fitsPayload(payload, context) ? payload : null;
}
