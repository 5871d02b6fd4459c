import { expect, test } from 'vitest';

// Server-side rendering: the package is imported where there is no window or document.
test('importing the package in Node does not throw, and init does nothing', async () => {
  expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
  const openstory = await import('../../src/index');
  const fs = openstory.init({ orgId: 'o-ssr', host: 'collector.example.com' });
  expect(() => {
    fs.identify('u-1', { email: 'a@example.com' });
    fs.event('Rendered', { ok: true });
    fs('trackEvent', { name: 'Rendered' });
    fs.log('hello');
    fs.consent(true);
    fs.shutdown();
    fs.restart();
  }).not.toThrow();
  expect(fs.getCurrentSessionURL()).toBeNull();
  expect(fs('getSession')).toBeUndefined();
});


test('examples/script-tag/snippet.js is the current snippet, minified', async () => {
  const { build } = await import('esbuild');
  const { readFile } = await import('node:fs/promises');
  const result = await build({ entryPoints: ['src/api/snippet.ts'], bundle: true, minify: true, write: false, format: 'iife', target: 'es2019', logLevel: 'silent' });
  expect(await readFile('examples/script-tag/snippet.js', 'utf8')).toBe(result.outputFiles[0].text);
});
