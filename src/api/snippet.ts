/*
 * The loader site owners paste into their pages (minified into dist/snippet.min.js). It reads
 * FullStory's snippet variables, defines the namespace at once as a stub that queues calls in
 * the format FullStory's snippet uses (`q` of [operation, options, source, resolve, reject,
 * apiVersion], handed to `_api` once fs.js is in), and loads fs.js asynchronously. A second
 * snippet finds the namespace taken and does nothing. Under Do Not Track or Global Privacy
 * Control it does not even load fs.js.
 */
import { isPrivacySignalOn } from './gates';
import { normalizeHost } from './host';

type Entry = [string, unknown, unknown, unknown?, unknown?, number?];
interface Stub {
  (operation: string, options?: unknown, source?: unknown): unknown;
  q: Entry[];
  _api?: (...entry: Entry) => unknown;
  [method: string]: unknown;
}
type SnippetWindow = Window & Record<string, unknown> & { _fs_options?: { honorDoNotTrack?: boolean } };

((win: SnippetWindow, doc: Document) => {
  const namespace = (win._fs_namespace as string) || 'FS';
  if (namespace in win) return;
  const fs = ((operation, options, source) => {
    const call = (resolve?: unknown, reject?: unknown) =>
      fs._api ? fs._api(operation, options, source, resolve, reject, 2) : void fs.q.push([operation, options, source, resolve, reject, 2]);
    return /Async$/.test(operation) ? new Promise(call) : call();
  }) as Stub;
  win[namespace] = fs;
  fs.q = [];
  fs.identify = (uid: unknown, properties: unknown) => fs('setIdentity', { uid, properties });
  fs.setUserVars = (properties: unknown) => fs('setProperties', { type: 'user', properties });
  fs.event = (name: unknown, properties: unknown) => fs('trackEvent', { name, properties });
  fs.anonymize = () => fs('setIdentity', { anonymous: true });
  fs.shutdown = () => fs('shutdown');
  fs.restart = () => fs('restart');
  fs.log = (level: unknown, msg: unknown) => fs('log', [level, msg]);
  fs.consent = (granted: unknown) => fs('setIdentity', { consent: granted !== false });
  fs.setVars = (type: unknown, properties: unknown) => fs('setProperties', { type, properties });
  // No-ops in FullStory's snippet too; getCurrentSessionURL answers null until fs.js replaces it.
  fs.identifyAccount = fs.clearUserCookie = () => undefined;
  fs.getCurrentSessionURL = () => null;
  if ((win._fs_options || {}).honorDoNotTrack !== false && isPrivacySignalOn(win)) return;
  const script = doc.createElement('script');
  const src = win._fs_script as string | undefined;
  script.async = true;
  const url = src ? (/^(https?:)?\/\//.test(src) ? src : `https://${src}`) : `${normalizeHost(String(win._fs_host), location.protocol)}/fs.js`;
  try {
    // Under Trusted Types a string in script.src throws: a policy named "openstory" (which a
    // site's `trusted-types` allow-list must name) that can only ever answer fs.js's URL.
    const types = win.trustedTypes as { createPolicy(name: string, rules: object): { createScriptURL(input: string): string } } | undefined;
    script.src = types ? types.createPolicy('openstory', { createScriptURL: () => url }).createScriptURL('') : url;
    (doc.head || doc.documentElement).appendChild(script);
  } catch {
    // A site allow-list without "openstory": the browser's console names the refused policy already.
  }
})(window as unknown as SnippetWindow, document);
