import type { canvasMutationData } from '@rrweb/types';
import { guard } from '../../lib/guard';
import { IncrementalSource } from '../../lib/rrweb';
import type { Stop } from '../observers/listen';
import type { RecordContext } from '../types';
import { createFrameEncoder, type EncodedFrame, type FrameRequest } from './encoder';

/** Frames per second per canvas: Sentry's default canvas quality ("medium", rrweb's `sampling.canvas`: 2). */
export const CANVAS_FPS = 2;
/** WebP quality of a frame: Sentry's "medium" `dataURLOptions.quality`. */
export const CANVAS_QUALITY = 0.4;
/** Frames are scaled down to at most this many pixels a side: Sentry's `DEFAULT_MAX_CANVAS_SIZE`. */
export const CANVAS_MAX_SIZE = 1280;
/** rrweb's CanvasContext['2D']: the frame is drawn through a 2D context whatever the page's was. */
const CONTEXT_2D = 0;

interface Encoder {
  post(request: FrameRequest): void;
  stop: Stop;
}

/**
 * Records the canvases of one document as images, as rrweb's FPS canvas mode does: at most
 * CANVAS_FPS frames a second per canvas, each an ImageBitmap taken on the page (a GPU copy, no
 * pixels read there) and encoded in a worker; what the worker finds unchanged sends nothing. A
 * frame is an rrweb CanvasMutation (clearRect, then drawImage of the image), which rrweb's Replayer
 * applies when replaying canvas. Excluded canvases, and canvases inside excluded elements (which
 * have no id), are never captured; a canvas whose pixels cannot be read (cross-origin images) is
 * tried once.
 */
export function startCanvas(ctx: RecordContext): Stop {
  const win = ctx.win as Window & typeof globalThis;
  if (!win.OffscreenCanvas || !win.createImageBitmap) return () => undefined;
  const busy = new Set<number>();
  const sizes = new Map<number, [number, number]>();
  let stopped = false;
  const onFrame = guard(ctx.reportError, ({ id, base64, type }: EncodedFrame) => {
    const size = sizes.get(id);
    busy.delete(id);
    if (!base64 || !size || stopped) return;
    const image = { rr_type: 'ImageBitmap', args: [{ rr_type: 'Blob', data: [{ rr_type: 'ArrayBuffer', base64 }], type }] };
    ctx.emitIncremental({
      source: IncrementalSource.CanvasMutation,
      id,
      type: CONTEXT_2D,
      commands: [
        { property: 'clearRect', args: [0, 0, ...size] },
        { property: 'drawImage', args: [image, 0, 0, ...size] },
      ],
    } as canvasMutationData);
  });
  const encoder = startEncoder(win, onFrame, ctx.reportError);

  const capture = (canvas: HTMLCanvasElement) => {
    const id = ctx.mirror.getId(canvas);
    const { width, height } = canvas;
    if (id === -1 || busy.has(id) || !width || !height || ctx.privacy.isExcluded(canvas)) return;
    busy.add(id);
    sizes.set(id, [width, height]);
    const scale = Math.min(1, CANVAS_MAX_SIZE / Math.max(width, height));
    const resize = scale < 1 ? { resizeWidth: Math.round(width * scale), resizeHeight: Math.round(height * scale) } : {};
    win.createImageBitmap(canvas, resize).then((bitmap) => encoder.post({ id, bitmap, quality: CANVAS_QUALITY }), ctx.reportError);
  };
  let last = 0;
  const tick = guard(ctx.reportError, (now: number) => {
    frame = win.requestAnimationFrame(tick);
    if (now - last < 1000 / CANVAS_FPS) return;
    last = now;
    ctx.doc.querySelectorAll('canvas').forEach(capture);
  });
  let frame = win.requestAnimationFrame(tick);
  return () => {
    stopped = true;
    win.cancelAnimationFrame(frame);
    encoder.stop();
  };
}

/** A worker made from the encoder's text; the page itself where workers are not allowed (CSP). */
function startEncoder(win: Window & typeof globalThis, onFrame: (frame: EncodedFrame) => void, report: (error: unknown) => void): Encoder {
  try {
    const url = win.URL.createObjectURL(new win.Blob([`const encode=(${createFrameEncoder})();onmessage=(e)=>encode(e.data).then((r)=>postMessage(r))`]));
    const worker = new win.Worker(url);
    worker.onmessage = (event: MessageEvent<EncodedFrame>) => onFrame(event.data);
    return {
      post: (request) => worker.postMessage(request, [request.bitmap]),
      stop() {
        worker.terminate();
        win.URL.revokeObjectURL(url);
      },
    };
  } catch {
    const encode = createFrameEncoder();
    return { post: (request) => void encode(request).then(onFrame, report), stop: () => undefined };
  }
}
