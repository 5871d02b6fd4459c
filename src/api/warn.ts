export type Warn = (key: string, message: string) => void;

/**
 * Console warnings for site developers, each distinct problem (key) reported once per page so a
 * call in a loop cannot flood the console.
 */
export function createWarner(con: Pick<Console, 'warn'> = console): Warn {
  const seen = new Set<string>();
  return (key, message) => {
    if (seen.has(key)) return;
    seen.add(key);
    try {
      con.warn(`[openstory] ${message}`);
    } catch {
      // a console that throws must not break the caller
    }
  };
}
