// Runs inside the benchmark page (plain browser script, loaded after the workload page and the
// recorder under test). `__bench.start(recorder)` starts the recorder and lets its start-up work
// settle; `__bench.measure()` then runs the workload once (a profiler can start in between):
//   - `workMs`: from the workload's start until `window.workload()` returns (the page's own work);
//   - `lastEventMs`: from the same start until the recorder emitted its last event for it, once
//     the page has been quiet for QUIET_MS (no new events after two animation frames);
//   - `paintedMs`: from the same start until the first task after the frame that follows the
//     workload (the page has rendered its change);
//   - `doneMs`: the later of the two: the page shows the change and the recorder has recorded it.
//     A recorder that yields to the page lets that frame render between its slices; one that
//     works inside the MutationObserver callback delays the frame. Either way the render is
//     counted once, as it is with no recorder.
//   - `bytes`: JSON length of every event emitted since the recorder started (snapshot included);
//   - `framingBytes`: of those, the frames of Mutation events that continue a batch cut in parts
//     (openstory's MAX_ADDS_PER_MUTATION): each such event with its arrays emptied.
(() => {
  // Lets the recorder finish its start-up work, and the machine the previous run's teardown and
  // this page's first paint, before the workload starts. On 2 shared cores, a fixed 3M-iteration
  // JS loop started 100 ms after load took 7.7 to 27 ms; started 1 s after load, 7.8 to 9.4 ms.
  const SETTLE_MS = 1000;
  const QUIET_MS = 300; // no event for this long after the workload: the recorder is done
  const MAX_WAIT_MS = 60_000;

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  // A task posted from an animation frame callback runs after that frame's paint.
  const afterNextPaint = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      }),
    );

  function startRecorder(name, emit) {
    if (name === 'none') return () => {};
    if (name === 'rrweb') return window.rrweb.record({ emit });
    if (name === 'openstory') return window.openstoryRecorder.record({ emit });
    if (name === 'floor') return window.mutationFloor.record({ emit });
    if (name === 'minimal') return window.minimalRecorder.record({ emit });
    throw new Error(`unknown recorder ${name}`);
  }

  let events = [];
  let lastEventAt = 0;
  let stop = () => {};

  async function start(recorder) {
    events = [];
    stop = startRecorder(recorder, (event) => {
      lastEventAt = performance.now();
      events.push(event);
    });
    await sleep(SETTLE_MS);
    // A collection of start-up garbage should not land inside the measured window.
    if (typeof window.gc === 'function') window.gc();
  }

  async function measure() {
    const eventsBefore = events.length;

    const start = performance.now();
    window.workload();
    const workDone = performance.now();
    const painted = afterNextPaint();

    const deadline = workDone + MAX_WAIT_MS;
    let seen = -1;
    while (seen !== events.length && performance.now() < deadline) {
      seen = events.length;
      await frame();
      await frame();
      await sleep(QUIET_MS);
    }
    if (typeof stop === 'function') stop();
    const paintedMs = (await painted) - start;

    const workloadEvents = events.length - eventsBefore;
    const lastEventMs = workloadEvents > 0 ? lastEventAt - start : workDone - start;
    let bytes = 0;
    let snapshotBytes = 0;
    let framingBytes = 0;
    const isMutation = (event) => event && event.type === 3 && event.data.source === 0;
    events.forEach((event, index) => {
      const length = JSON.stringify(event).length;
      bytes += length;
      if (index < eventsBefore) snapshotBytes += length;
      const previous = events[index - 1];
      if (isMutation(event) && isMutation(previous) && previous.timestamp === event.timestamp) {
        framingBytes += JSON.stringify({ ...event, data: { ...event.data, texts: [], attributes: [], removes: [], adds: [] } }).length;
      }
    });
    return {
      workMs: workDone - start,
      lastEventMs,
      paintedMs,
      doneMs: Math.max(lastEventMs, paintedMs),
      events: events.length,
      workloadEvents,
      bytes,
      snapshotBytes,
      framingBytes,
      timedOut: performance.now() >= deadline,
    };
  }

  window.__bench = { start, measure };
})();
