/**
 * A MutationObserver sees into a shadow root only once it observes that root. Roots that exist
 * when an element is serialized are found by the serializer; a root attached later to an element
 * already in the recording is found by wrapping Element.prototype.attachShadow of the window.
 * The returned function puts the page's own method back.
 */
export function watchAttachShadow(win: Window, onAttached: (host: Element, root: ShadowRoot) => void): () => void {
  const proto = (win as Window & typeof globalThis).Element?.prototype;
  const own = proto && Object.getOwnPropertyDescriptor(proto, 'attachShadow');
  if (!proto || !own || typeof own.value !== 'function' || !own.configurable) return () => undefined;
  const original = own.value as Element['attachShadow'];
  Object.defineProperty(proto, 'attachShadow', {
    ...own,
    value: function attachShadow(this: Element, init: ShadowRootInit) {
      const root = original.call(this, init);
      onAttached(this, root);
      return root;
    },
  });
  return () => Object.defineProperty(proto, 'attachShadow', own);
}
