/**
 * One source, any number of listeners: lets a single owner of a patch or listener (page
 * telemetry's console.error, the recorder's attachShadow) tell the other parts that need it.
 * Listeners guard themselves; `subscribe` returns the unsubscribe.
 */
export function createSignal<T = void>() {
  const listeners = new Set<(value: T) => void>();
  return {
    notify(value: T): void {
      for (const listener of listeners) listener(value);
    },
    subscribe(listener: (value: T) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type Subscribe<T = void> = ReturnType<typeof createSignal<T>>['subscribe'];
