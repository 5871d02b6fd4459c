/** A frame's document, or null when there is none or it is cross-origin (reading it throws in some browsers). */
export function contentDocumentOf(frame: HTMLIFrameElement): Document | null {
  try {
    return frame.contentDocument;
  } catch {
    return null;
  }
}
