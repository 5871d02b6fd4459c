// The script-tag bundle's gzip budget, shared by the build's size report and the benchmark report.
// 34 KiB: 33 KiB until the string table (749 B gzip) came in, which halves the bytes a multi-page
// session sends on every page load; docs/architecture.md, "Bundle size", says why it is not 30 KiB.
export const FS_JS_GZIP_BUDGET = 34 * 1024;
