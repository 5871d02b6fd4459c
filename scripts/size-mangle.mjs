// Internal property names terser shortens in dist/fs.js (rollup.config.ts). An explicit list of
// names, not a naming convention, so the source keeps its plain names; and an allow list, so a name
// left off only costs bytes. Every name here is a field of an object that lives and dies inside
// fs.js: the option objects between the API and its parts (src/api/pipeline.ts, core.ts), the
// heuristics' thresholds and click records, the identity store and rate limits. None is a wire,
// API, init-option, storage or browser name, and none is used by src/record or src/transport (whose
// objects cross into dist/canvas.js and into storage read by other builds) or read in
// dist/telemetry.js; test/scripts/size-mangle.node.test.ts checks that against the sources,
// dist/telemetry.js and TypeScript's DOM types. Measured here: fs.js −302 B gzip (41 names,
// 2026-11-30); −265 B for the 37 left when console and network capture moved to dist/telemetry.js
// (2026-12-01).
export const MANGLED_PROPERTIES = [
  // src/api: the core's own methods, identity store, rate limits and the pipeline's options
  'setPageVars', 'setConsole', 'perMinute', 'inactivityMs', 'maxSessionMs', 'appKey', 'setAppKey',
  'splitUser', 'renewSession', 'startHeuristics', 'startPage', 'onActivity', 'consoleOn',
  // src/page: the options pipeline.ts hands page telemetry that fs.js reads itself (those read in
  // dist/telemetry.js, which is minified on its own, keep their names)
  'pageErrors', 'onError',
  // src/heuristics: thresholds (overridable in the npm build only, which is not minified) and click records
  'rageMinClicks', 'rageMaxGapMs', 'rageRadiusPx', 'clickWindowMs', 'responseScrollMs', 'responseFocusMs',
  'responseAncestorLevels', 'responseQuietMs', 'thrashMinReversals', 'thrashWindowMs', 'thrashMinStrokePx',
  'thrashMaxStrokeMs', 'targetTextMax', 'windowStart', 'errored', 'quietNodeChanged', 'exempt', 'pressedAt',
  'emitAbandon', 'edit',
  // src/privacy
  'anyRule',
];

/** terser's `mangle.properties` for the list: whole names only; quoted keys stay as written. */
export const mangleProperties = { keep_quoted: true, regex: new RegExp(`^(${MANGLED_PROPERTIES.join('|')})$`) };
