type Ctor = typeof MutationObserver;

/**
 * The MutationObserver constructor the recording can trust. Some frameworks replace
 * `window.MutationObserver` with one that never delivers records; recording with it would record
 * nothing. A constructor that is not the browser's own is swapped for the one of a fresh
 * same-origin frame, added and removed before the recording observes anything (Chromium and
 * Firefox let a removed frame's constructor build working observers). Without such a frame the
 * page's constructor is used. Either way `warn` is told once.
 */
export function mutationObserverOf(win: Window, warn: (message: string) => void): Ctor {
  const pageCtor = (win as Window & typeof globalThis).MutationObserver;
  if (isNative(pageCtor)) return pageCtor;
  const doc = win.document;
  let frameCtor: Ctor | undefined;
  try {
    const frame = doc.createElement('iframe');
    frame.style.display = 'none';
    doc.documentElement.appendChild(frame);
    frameCtor = (frame.contentWindow as (Window & typeof globalThis) | null)?.MutationObserver;
    frame.remove();
  } catch {
    // A page that forbids frames (or a document without an element) keeps its own constructor.
  }
  const untouched = frameCtor && isNative(frameCtor) ? frameCtor : null;
  warn(`window.MutationObserver was replaced by the page; ${untouched ? 'recording with an untouched one' : 'changes may go unrecorded'}`);
  return untouched ?? pageCtor;
}

function isNative(ctor: unknown): boolean {
  try {
    return typeof ctor === 'function' && Function.prototype.toString.call(ctor).includes('[native code]');
  } catch {
    return false;
  }
}
