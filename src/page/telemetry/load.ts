import * as telemetry from './lib';

/**
 * Console, network, load-timing and web-vitals capture, started with capture in the npm build, as
 * before telemetry.js existed: a console call or fetch in the same task as `init()` is captured by the
 * patches. The npm build inlines dynamic imports anyway (rollup.config.ts), so a lazy import here
 * would save its users nothing. The script-tag build swaps this module for load-script.ts.
 */
export const withTelemetry = (use: (lib: typeof telemetry) => void): void => use(telemetry);
