import { expect, test } from 'vitest';
import { pointSnippetAt } from '../src/demo-site';

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
