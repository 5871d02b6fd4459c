import { createSignal } from '../lib/signal';

/**
 * One document's open shadow roots, for its observers (scroll, change and media events stay
 * inside a shadow root): each root a walk enters, and each one attached later. The walk that finds
 * them is sliced, so no pass over the whole document at start looks for them. Roots found before
 * the observers start (the first snapshot's first slice, a frame's document) wait for `start()`;
 * after it nothing waits, so a recording without observers holds no root.
 */
function createRootFeed() {
  const signal = createSignal<ShadowRoot>();
  let waiting: ShadowRoot[] | null = [];
  return {
    notify(root: ShadowRoot): void {
      if (waiting) waiting.push(root);
      else signal.notify(root);
    },
    subscribe: signal.subscribe,
    start(): void {
      const found = waiting ?? [];
      waiting = null;
      for (const root of found) signal.notify(root);
    },
  };
}

type RootFeed = ReturnType<typeof createRootFeed>;

/** One recording's feeds, a document's made when first asked for (held weakly: frames reload). */
export function createRootFeeds(): (doc: Document) => RootFeed {
  const feeds = new WeakMap<Document, RootFeed>();
  return (doc) => {
    let feed = feeds.get(doc);
    if (!feed) feeds.set(doc, (feed = createRootFeed()));
    return feed;
  };
}
