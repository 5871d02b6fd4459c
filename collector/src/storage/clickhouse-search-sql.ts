import { FACT } from 'openstory/vocabulary';
import { FAILED_STATUS, likePattern } from './search';
import { str } from './clickhouse-sql';
import type { SessionFilters } from './types';

/**
 * The filters of a session search as ClickHouse 18.16 SQL over bundle rows (storage/clickhouse-schema.ts),
 * answering as sqlite-search.ts's SQL does over SQLite's rows. A page's state is the last value its
 * bundles set in arrival order (clickhouse-fold.ts), so a page's value is an argMax over ARRIVAL;
 * a user's likewise over the bundles that set it. 18.16 has no JSONExtract: the JSON texts are read
 * with visitParam*, which takes the first `"key":` in the text at any depth, so each read below says
 * why its first occurrence is the top-level one.
 */

/** clickhouse-fold.ts's byArrival as a value argMax compares. */
const ARRIVAL = 'tuple(received_at, page_id, seq)';

/** SQLite's LIKE with `\` escapes: ClickHouse's lower() folds ASCII only, as SQLite's case-insensitive LIKE does. */
const like = (column: string, pattern: string) => `lower(${column}) LIKE lower(${str(likePattern(pattern))})`;
const contains = (text: string) => `*${text}*`;

/** A JSON value's text as SQLite's CAST(json_extract(…) AS TEXT): strings unescaped, true and false as 1 and 0, the rest as written. */
const jsonText = (raw: string) =>
  `multiIf(${raw} = 'true', '1', ${raw} = 'false', '0', substring(${raw}, 1, 1) = '"', visitParamExtractString(concat('{"v":', ${raw}, '}'), 'v'), ${raw})`;

/** A property of a JSON object held at `key` (`properties`, `vars`): its top-level keys come first unless an earlier property's value is an object holding the name. */
const property = (json: string, key: string, name: string) => `visitParamExtractRaw(visitParamExtractRaw(${json}, ${str(key)}), ${str(name)})`;
/** Does that property, once its value is text, equal `value`? JSON null never does (SQLite: NULL = x is not true). */
const propertyIs = (raw: string, value: string) => `(${raw} NOT IN ('', 'null') AND ${jsonText(raw)} = ${str(value)})`;

/**
 * A page state's JSON (PageStateChange) with its one object, pageVars, replaced by 0 (JSON.stringify writes no spaces; 18.16's replaceOne takes only a constant pattern): its other
 * values are numbers and strings, so every key left is a top-level one. The first `"pageVars":` is
 * the top-level key, as a string's quotes are escaped inside JSON strings.
 */
const PAGE_VARS_AT = `position(page_state, '"pageVars":')`;
const PAGE_STATE = `if(${PAGE_VARS_AT} = 0, page_state, concat(substring(page_state, 1, ${PAGE_VARS_AT} + 10), '0',
  substring(page_state, ${PAGE_VARS_AT} + 11 + length(visitParamExtractRaw(page_state, 'pageVars')))))`;
/** The user-vars JSON (UserVarsChange) before its `vars` object: email and displayName, both strings, come first. */
const USER_HEAD = `substring(user_vars, 1, position(user_vars, '"vars":'))`;

/** Rage bursts of a bundle: clicks whose EventModFrustrated is facts.FIRST_OF_RAGE_BURST (1), counted from the stored facts. */
export const RAGE_BURSTS = `arrayCount((tag, payload) -> tag = '${FACT.click}' AND visitParamExtractFloat(payload, 'EventModFrustrated') = 1, fact_tag, fact_payload)`;

const anyFact = (tag: string, condition = '1') =>
  `max(arrayExists((tag, payload, url) -> tag = '${tag}' AND ${condition}, fact_tag, fact_payload, fact_page_url))`;
/** The last value a page's bundles set, '' when none did: `text` read from `source` where `has` holds. */
const lastSet = (text: string, has: string) => `argMaxIf(${text}, ${ARRIVAL}, ${has})`;
/** The page's metadata (route.ts writes `start` then `url`; agent keys are unique), SQLite's defaults when no bundle carried it. */
const metadata = (key: string, fallback: string) => `if(countIf(page != '') = 0, ${str(fallback)}, ${lastSet(`visitParamExtractString(page, ${str(key)})`, "page != ''")})`;

/**
 * Per-page tests of a search, each a UInt8 over the page's bundles (GROUP BY page): the session
 * matches when any of its pages does. Facts are the page's stored facts, as SQLite's facts rows.
 */
export function pageTests(filters: SessionFilters): string[] {
  const tests: string[] = [];
  if (filters.url !== undefined) {
    const pattern = filters.url.includes('*') ? filters.url : contains(filters.url);
    tests.push(`(${like(metadata('url', ''), pattern)} OR ${anyFact(FACT.navigate, like('url', pattern))})`);
  }
  if (filters.pageName !== undefined) {
    const has = `visitParamHas(${PAGE_STATE}, 'pageName')`;
    tests.push(`(countIf(${has}) > 0 AND ${lastSet(`visitParamExtractString(${PAGE_STATE}, 'pageName')`, has)} = ${str(filters.pageName)})`);
  }
  if (filters.eventName !== undefined || filters.eventProperty) {
    const { eventName, eventProperty } = filters;
    const conditions = [
      // A custom payload's other top-level values are strings; its properties' names are type-suffixed.
      ...(eventName === undefined ? [] : [`visitParamExtractString(payload, 'EventCustomName') = ${str(eventName)}`]),
      ...(eventProperty ? [propertyIs(property('payload', 'properties', eventProperty.name), eventProperty.value)] : []),
    ];
    tests.push(anyFact(FACT.custom, conditions.join(' AND ')));
  }
  for (const frustration of filters.frustrations ?? []) {
    if (frustration === 'thrash') tests.push(anyFact(FACT.thrash));
    if (frustration === 'abandon') tests.push(anyFact(FACT.abandon));
  }
  if (filters.consoleErrors) {
    const has = `visitParamHas(${PAGE_STATE}, 'numErrors')`;
    tests.push(`${lastSet(`visitParamExtractFloat(${PAGE_STATE}, 'numErrors')`, has)} > 0`);
  }
  if (filters.failedRequests) {
    tests.push(anyFact(FACT.request, `(visitParamExtractFloat(payload, 'ReqStatus') >= ${FAILED_STATUS} OR visitParamExtractString(payload, 'failed') = 'error')`));
  }
  for (const [field, key] of [['browser', 'PageBrowser'], ['device', 'PageDevice'], ['os', 'PageOperatingSystem']] as const) {
    if (filters[field] !== undefined) tests.push(`${metadata(key, 'Unknown')} = ${str(filters[field]!)}`);
  }
  return tests;
}

/** Session tests over the session's sums (`start`, `last`, `pages`, the click counts), for HAVING. */
export function sessionTests(filters: SessionFilters): string[] {
  const tests: string[] = [];
  const counted = { rage: 'rage_clicks', dead: 'dead_clicks', error: 'error_clicks' } as const;
  for (const frustration of filters.frustrations ?? []) if (frustration in counted) tests.push(`${counted[frustration as keyof typeof counted]} > 0`);
  const bounds: Array<[keyof SessionFilters, string]> = [
    ['startFrom', 'start >='], ['startUntil', 'start <'], ['minDuration', 'last - start >='], ['maxDuration', 'last - start <='],
    ['minPages', 'pages >='], ['maxPages', 'pages <='],
  ];
  for (const [field, test] of bounds) {
    const bound = filters[field] as number | undefined;
    if (bound !== undefined && Number.isFinite(bound)) tests.push(`${test} ${bound}`);
  }
  return tests;
}

/** The org's deduplicated bundle rows that `where` keeps, with `columns`. */
const bundleRows = (columns: string, where: string) => `(SELECT org_id, page_id, seq, received_at, ${columns} FROM bundles WHERE ${where} LIMIT 1 BY org_id, page_id, seq)`;

/**
 * Users (org_id, user_id) whose own bundles set `email`, `display_name` or the var `varName` (as
 * JSON, `raw`) to values passing `test`, the last set of each counting. The vars are merged as
 * facts.mergeUserVars does, except its cap (MAX_USER_VARS): a var past the cap still matches here.
 */
const usersByVars = (orgWhere: string, test: string, varName?: string) => `(org_id, user_id) IN (SELECT org_id, user_id FROM (
    SELECT org_id, user_id, ${lastSet(`visitParamExtractString(${USER_HEAD}, 'email')`, `visitParamHas(${USER_HEAD}, 'email')`)} AS email,
      ${lastSet(`visitParamExtractString(${USER_HEAD}, 'displayName')`, `visitParamHas(${USER_HEAD}, 'displayName')`)} AS display_name,
      ${varName === undefined ? "''" : lastSet(property('user_vars', 'vars', varName), `${property('user_vars', 'vars', varName)} != ''`)} AS raw
    FROM ${bundleRows('user_id, user_vars', `${orgWhere} AND user_vars != ''`)} GROUP BY org_id, user_id) WHERE ${test})`;

/**
 * Users identified with an app key passing `test` (over `app_key`): the last identification of the
 * user in any bundle of the org. `identities` is JSON [[userId, appKey | null], …]; user ids are
 * ingest's ID_PATTERN (no quote or backslash), so the two patterns below pair up match by match.
 */
const IDENTIFIED_ID = str('\\["([^"\\\\]*)",');
const IDENTIFIED_KEY = str('\\["[^"\\\\]*",("(?:[^"\\\\]|\\\\.)*"|null)\\]');
const usersByAppKey = (orgWhere: string, test: string) => `(org_id, user_id) IN (SELECT org_id, user_id FROM (
    SELECT org_id, identified AS user_id, argMax(key, tuple(received_at, page_id, seq, n)) AS raw_key, ${jsonText('raw_key')} AS app_key
    FROM ${bundleRows('identities', `${orgWhere} AND identities != '[]'`)}
    ARRAY JOIN extractAll(identities, ${IDENTIFIED_ID}) AS identified, extractAll(identities, ${IDENTIFIED_KEY}) AS key,
      arrayEnumerate(extractAll(identities, ${IDENTIFIED_ID})) AS n
    GROUP BY org_id, user_id) WHERE raw_key != 'null' AND ${test})`;

/** Tests on the session's user, for the bundle rows' WHERE (a session's bundles all carry its user id). */
export function userTests(filters: SessionFilters, orgWhere: string): string[] {
  const tests: string[] = [];
  if (filters.user !== undefined) {
    const pattern = contains(filters.user);
    tests.push(`(${like('user_id', pattern)} OR ${usersByAppKey(orgWhere, like('app_key', pattern))}
      OR ${usersByVars(orgWhere, `${like('email', pattern)} OR ${like('display_name', pattern)}`)})`);
  }
  if (filters.userVar) tests.push(usersByVars(orgWhere, propertyIs('raw', filters.userVar.value), filters.userVar.name));
  return tests;
}
