/** The part of web-vitals the SDK uses: dist/vitals.js for fs.js, inlined by bundlers in the npm build. */
export { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
