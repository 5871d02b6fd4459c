import type { Plugin } from 'rollup';

// rrweb-snapshot ships one file for both capture and replay. Its replay half inlines postcss
// behind a top-level call that bundlers cannot prove pure, so postcss (~20 KB gzip) would ride
// along in fs.js although capture never parses CSS. We cut that region out; the replay-only
// functions that used it are then unreferenced and tree-shaken away.
const REGION_START = '// ../../node_modules/picocolors/picocolors.browser.js';
const REGION_END = '// src/rebuild.ts';

export function stripReplayCss(): Plugin {
  return {
    name: 'openstory-strip-replay-css',
    transform(code, id) {
      if (!id.includes('rrweb-snapshot') || !code.includes(REGION_START)) return null;
      const start = code.indexOf(REGION_START);
      const end = code.indexOf(REGION_END, start);
      if (end < 0) this.error('rrweb-snapshot layout changed: replay CSS region end not found');
      const stub =
        'var postcss_default = () => { throw new Error("openstory: replay CSS adaptation is not part of the capture bundle"); };\n';
      return { code: code.slice(0, start) + stub + code.slice(end), map: null };
    },
  };
}
