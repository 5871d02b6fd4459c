/** `detail` (an error, a response) goes as its own console argument so a developer can expand it. */
export type Warn = (key: string, message: string, detail?: unknown) => void;

/**
 * Console warnings for site developers, each distinct problem (key) reported once per page so a
 * call in a loop, or a transport failing the same way all session, cannot flood the console.
 */
export function createWarner(con: Pick<Console, 'warn'> = console): Warn {
  const seen = new Set<string>();
  return (key, message, detail) => {
    if (seen.has(key)) return;
    seen.add(key);
    try {
      con.warn(`[openstory] ${message}`, ...(detail === undefined ? [] : [detail]));
    } catch {
      // a console that throws must not break the caller
    }
  };
}
