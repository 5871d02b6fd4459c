/**
 * Ends the current task: scheduler.yield where the browser has it, else a MessageChannel round
 * trip (not throttled in hidden tabs, unlike setTimeout). The transport's encoder and the
 * recorder's sliced walks resume through it.
 */
export function nextTask(win: Window): Promise<void> {
  const scheduler = (win as Window & { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new (win as Window & typeof globalThis).MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
