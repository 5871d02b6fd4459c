// The script-tag bundle's gzip budget, shared by the build's size report and the benchmark report.
// 33 KiB: 34 KiB from the string table (749 B gzip) until web-vitals moved to dist/vitals.js
// (−1,928 B); docs/architecture.md, "Bundle size", says what getting to 30 KiB would take.
export const FS_JS_GZIP_BUDGET = 33 * 1024;
