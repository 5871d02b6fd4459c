/** What the page hands the encoder: one frame of one canvas. */
export interface FrameRequest {
  id: number;
  bitmap: ImageBitmap;
  quality: number;
}

/** The frame as a base64 image, or only the id when it looks as the last one sent did. */
export interface EncodedFrame {
  id: number;
  base64?: string;
  type?: string;
}

/**
 * Encodes frames as images (OffscreenCanvas.convertToBlob) and keeps the last one per canvas, so
 * a canvas that did not change sends nothing; a canvas nothing was drawn on yet is compared with a
 * blank frame of its size. This function runs in a worker, whose source is its text: it must use
 * nothing but globals, and no syntax a bundler rewrites into a helper (async functions, object
 * spread), so that the text stays self-contained.
 */
export function createFrameEncoder(): (request: FrameRequest) => Promise<EncodedFrame> {
  const last = new Map<number, string>();
  const encode = (bitmap: ImageBitmap | null, width: number, height: number, quality: number): Promise<[string, string]> => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    if (bitmap) context.drawImage(bitmap, 0, 0);
    return canvas.convertToBlob({ type: 'image/webp', quality }).then((blob) =>
      blob.arrayBuffer().then((buffer) => {
        const bytes = new Uint8Array(buffer);
        let binary = '';
        // String.fromCharCode takes its bytes as arguments: in slices the stack can hold.
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
        return [btoa(binary), blob.type];
      }),
    );
  };
  return (request) => {
    const { id, bitmap, quality } = request;
    const { width, height } = bitmap;
    const previous = last.has(id) ? Promise.resolve([last.get(id)]) : encode(null, width, height, quality);
    return Promise.all([encode(bitmap, width, height, quality), previous]).then(([[base64, type], [before]]) => {
      bitmap.close();
      last.set(id, base64);
      return base64 === before ? { id } : { id, base64, type };
    });
  };
}
