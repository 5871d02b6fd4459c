import { describe, expect, test, vi } from 'vitest';
import { initWith } from '../../src/api';
import { installFromSnippet, type SnippetWindow } from '../../src/api/install';
import type { FSApi, InitOptions } from '../../src/api/types';
import { blankWindow, setup } from './jsdom-setup';
import { startPage } from '../../src/page';

describe("FullStory's calls beyond identity and events", () => {
  test('page properties: pageName is PageName, the rest typed vars; setVars("page") is the same call', () => {
    const { fs, facts, warnings } = setup();
    fs('setProperties', { type: 'page', properties: { pageName: 'Checkout', step: 2 } });
    fs.setVars('page', { section: 'cart' });
    fs('setProperties', { type: 'page', properties: { pageName: 7 } });
    expect(facts().map(({ tag, payload }) => ({ tag, payload }))).toEqual([
      { tag: 'pageVars', payload: { PageName: 'Checkout', vars: { step_real: 2 } } },
      { tag: 'pageVars', payload: { vars: { section_str: 'cart' } } },
    ]);
    expect(warnings()).toEqual([expect.stringContaining('property "pageName" dropped: it must be a string')]);
  });

  test("console messages are kept by default; FS('disableConsole') and FS.enableConsole() turn keeping off and on; init's console: false starts off", () => {
    const { window, fs, facts } = setup({}, { startPage });
    window.console.log('kept', { n: 1 });
    fs('disableConsole');
    window.console.info('not kept');
    fs.enableConsole();
    window.console.debug('kept again');
    const logs = () => facts().filter(({ tag }) => tag === 'log').map(({ payload }) => payload);
    expect(logs()).toEqual([
      { level: 'log', message: 'kept {n: 1}', console: 1 },
      { level: 'debug', message: 'kept again', console: 1 },
    ]);
    const off = setup({ console: false }, { startPage });
    off.window.console.error('not kept');
    off.fs.enableConsole();
    off.window.console.warn('now kept');
    expect(off.facts().filter(({ tag }) => tag === 'log').map(({ payload }) => payload.message)).toEqual(['now kept']);
  });

  test('a new page record (consent) carries the page properties so far', () => {
    const { fs, facts } = setup();
    fs('setProperties', { type: 'page', properties: { pageName: 'Checkout' } });
    fs.setVars('page', { step: 2 });
    fs.consent(true);
    const pageVars = facts().filter(({ tag }) => tag === 'pageVars');
    expect(pageVars.at(-1)).toMatchObject({ payload: { PageName: 'Checkout', vars: { step_real: 2 } } });
    expect(new Set(pageVars.map(({ pageId }) => pageId)).size).toBe(2);
  });

  test('observe: start callbacks hear the session URL, also when registered late; shutdown; disconnect', () => {
    const { fs } = setup();
    const heard: unknown[] = [];
    const late = fs('observe', { type: 'start', callback: (data: { sessionUrl: string }) => heard.push(['start', data.sessionUrl]) });
    const down = fs('observe', { type: 'shutdown', callback: () => heard.push(['shutdown']) }) as { disconnect(): void };
    const url = fs.getCurrentSessionURL();
    expect(url).toMatch(/^https:\/\/collector\.example\/sessions\/o-unit\./);
    expect(heard).toEqual([['start', url]]);
    expect(late).toEqual({ disconnect: expect.any(Function) });
    fs('shutdown');
    fs('start');
    down.disconnect();
    fs.shutdown();
    expect(heard).toEqual([['start', url], ['shutdown'], ['start', url]]);
  });

  test('observe with an unknown type answers a failed handle and warns once', () => {
    const { fs, warnings } = setup();
    expect(fs('observe', { type: 'nope', callback: () => undefined })).toMatchObject({ failed: true });
    expect(warnings()).toHaveLength(1);
  });

  test('getSession formats, getCurrentSession, and the no-op v1 methods', async () => {
    const { fs, warnings } = setup();
    const all = fs('getSession', { format: 'all' }) as Record<string, string>;
    expect(all).toMatchObject({ orgId: 'o-unit', userId: expect.stringMatching(/^u-/), sessionId: expect.stringMatching(/^s-/), pageId: expect.stringMatching(/^p-/) });
    expect(fs.getCurrentSession()).toBe(`${all.userId}:${all.sessionId}`);
    expect(await fs('getSessionAsync', { format: 'id' })).toBe(`${all.userId}:${all.sessionId}`);
    for (const method of ['identifyAccount', 'clearUserCookie', 'enableConsole', 'disableConsole'] as const) expect(fs[method]()).toBeUndefined();
    for (const operation of ['init', 'setConfig', 'source', 'stat', 'getConfig']) fs(operation, {});
    expect(warnings()).toEqual([]);
    fs('bogus');
    fs('bogus');
    expect(warnings()).toEqual([expect.stringContaining("FS('bogus') is not a known operation")]);
  });

  test('restart after shutdown continues the page record; a new user starts a new one', () => {
    const { fs, facts } = setup();
    fs.event('Before');
    fs.shutdown();
    fs('start');
    fs.event('After');
    fs.identify('someone');
    fs.identify('someone else');
    fs.event('Other User');
    const pages = facts().filter(({ tag }) => tag === 'custom').map(({ pageId }) => pageId);
    expect(pages[1]).toBe(pages[0]);
    expect(pages[2]).not.toBe(pages[0]);
  });

  test('a page record after the first starts when it starts, not at the page load', () => {
    const { fs, starts } = setup();
    fs.identify('a');
    fs.anonymize();
    expect(starts).toHaveLength(2);
    expect(starts[1]).toBeGreaterThan(starts[0]);
  });
});

describe('fs.js configures itself from either snippet generation', () => {
  const install = (vars: Record<string, unknown>, script?: { src: string; namespace?: string }) => {
    const { window } = setup();
    const win = window as unknown as SnippetWindow;
    Object.assign(win, vars);
    if (script) {
      const element = win.document.createElement('script');
      element.src = script.src;
      if (script.namespace) element.setAttribute('data-fs-namespace', script.namespace);
      Object.defineProperty(win.document, 'currentScript', { value: element });
    }
    const started: InitOptions[] = [];
    const api = Object.assign(vi.fn(), { _api: vi.fn() }) as unknown as FSApi;
    installFromSnippet(win, (options) => (started.push(options), api));
    return { win, options: started[0], api };
  };
  const stub2_1 = (env: object, fetch?: unknown) => Object.assign(() => undefined, { q: [['init', { env }]], _w: { fetch } });

  test("2.1: the queued init's env, the script's data-fs-namespace and FS._w.fetch", () => {
    const fetch = () => undefined;
    const { options, win } = install(
      { MyFS: stub2_1({ orgId: 'o-21', host: 'collector.example', captureOnStartup: false, cookieDomain: 'example.com' }, fetch) },
      { src: 'https://cdn.example/fs.js?org=o-21', namespace: 'MyFS' },
    );
    expect(options).toMatchObject({ orgId: 'o-21', host: 'collector.example', startCaptureManually: true, cookieDomain: 'example.com', transport: { fetch } });
    expect((win.MyFS as { _api?: unknown })._api).toBeDefined();
  });

  test("2.1: the org from the script URL's ?org= when init carries none", () => {
    const { options } = install({ FS: stub2_1({ host: 'collector.example' }) }, { src: 'https://cdn.example/fs.js?org=o-url' });
    expect(options).toMatchObject({ orgId: 'o-url', host: 'collector.example' });
  });

  test('2.0: the window variables, _fs_ready once capture starts', () => {
    const ready = vi.fn();
    const { options, api } = install({ _fs_org: 'o-20', _fs_host: 'h', _fs_cookie_domain: 'example.com', _fs_capture_on_startup: false, _fs_is_outer_script: true, _fs_ready: ready });
    expect(options).toMatchObject({ orgId: 'o-20', host: 'h', cookieDomain: 'example.com', startCaptureManually: true, recordOnlyThisIFrame: true });
    expect(api).toHaveBeenCalledWith('observe', { type: 'start', callback: expect.any(Function) });
  });
});

test('a missing org or host is one console error naming what is missing', () => {
  const window = blankWindow();
  const error = vi.fn();
  Object.defineProperty(window, 'console', { value: { ...console, error } });
  const fs = initWith({ orgId: 'o-unit', host: '' }, {}, window as unknown as Window);
  expect(() => fs('trackEvent', { name: 'x' })).not.toThrow();
  expect(error.mock.calls).toEqual([[expect.stringMatching(/missing host .*nothing is captured/)]]);
});
