/*
 * The script-tag bundle (dist/fs.js). The snippet has defined the namespace (window._fs_namespace,
 * default FS) as a queueing stub, ours or FullStory's; this installs the real API on it.
 */
import { init } from './api';
import { installFromSnippet, type SnippetWindow } from './api/install';

try {
  installFromSnippet(window as unknown as SnippetWindow, init);
} catch (error) {
  console.warn(`[openstory] could not install the FS API: ${String(error)}`);
}
