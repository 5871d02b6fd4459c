import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { pointSnippetAt, startDemoSite } from '../src/demo-site';

const target = { collectorUrl: 'http://127.0.0.1:8090', scriptUrl: 'http://127.0.0.1:8091/fs.js', orgId: 'o-demo' };

test('rewrites the FullStory snippet variables in either quoting style', () => {
  const html = `<script>window['_fs_host'] = 'fullstory.com'; window["_fs_script"] = "edge.fullstory.com/s/fs.js"; window._fs_org = 'ABC12';</script>`;
  expect(pointSnippetAt(html, target)).toBe(
    `<script>window['_fs_host'] = 'http://127.0.0.1:8090'; window["_fs_script"] = 'http://127.0.0.1:8091/fs.js'; window._fs_org = 'o-demo';</script>`,
  );
});

test('adds _fs_script after _fs_host when the page does not set it', () => {
  const out = pointSnippetAt(`<script>window['_fs_host'] = 'x';\nwindow['_fs_org'] = 'y';</script>`, target);
  expect(out).toContain(`window['_fs_host'] = 'http://127.0.0.1:8090'; window['_fs_script'] = 'http://127.0.0.1:8091/fs.js';`);
  expect(out).toContain(`window['_fs_org'] = 'o-demo'`);
});

test('leaves pages without a snippet unchanged', () => {
  expect(pointSnippetAt('<p>_fs_host is a variable name</p>', target)).toBe('<p>_fs_host is a variable name</p>');
});

test('serves the chunks fs.js imports from beside itself (telemetry.js, canvas.js) from chunksDir', async () => {
  const chunksDir = await mkdtemp(join(tmpdir(), 'openstory-chunks-'));
  await writeFile(join(chunksDir, 'telemetry.js'), 'export const telemetry = 1;');
  await writeFile(join(chunksDir, 'canvas.js'), 'export const canvas = 1;');
  // The examples folder has no chunks of its own: what is served comes from chunksDir.
  const root = await mkdtemp(join(tmpdir(), 'openstory-examples-'));
  const site = await startDemoSite({ root, collectorUrl: 'http://127.0.0.1:8090', orgId: 'o-demo', fsScript: async () => '', chunksDir, port: 0 });
  try {
    for (const [file, body] of [['telemetry.js', 'export const telemetry = 1;'], ['canvas.js', 'export const canvas = 1;']]) {
      const response = await fetch(`${site.url}/${file}`);
      expect(response.headers.get('content-type')).toContain('javascript');
      expect(await response.text()).toBe(body);
    }
  } finally {
    await site.close();
  }
});
