// The script-tag bundle's gzip budget, shared by the build's size report and the benchmark report.
// 34 KiB since network and console capture joined the recorder: docs/architecture.md, "Bundle size", says why.
export const FS_JS_GZIP_BUDGET = 34 * 1024;
