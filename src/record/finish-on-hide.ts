/**
 * A page being hidden (a tab switched away, a navigation) may never run another task, so a walk
 * still paused between slices would be lost. `finish` runs when the page hides, before the
 * transport's own pagehide and visibilitychange listeners send what is buffered: listeners in the
 * capture phase on the window run before those on the document (where visibilitychange is fired)
 * and before the window's own non-capture ones (where pagehide is). Returns the stop.
 */
export function finishOnHide(win: Window, finish: () => void): () => void {
  const onHide = (event: Event) => {
    if (event.type === 'pagehide' || win.document.visibilityState === 'hidden') finish();
  };
  win.addEventListener('pagehide', onHide, true);
  win.addEventListener('visibilitychange', onHide, true);
  return () => {
    win.removeEventListener('pagehide', onHide, true);
    win.removeEventListener('visibilitychange', onHide, true);
  };
}
