/** Reports the first internal error of a recording to the console; later ones stay silent. */
export function createReporter(): (error: unknown) => void {
  let reported = false;
  return (error) => {
    if (reported) return;
    reported = true;
    try {
      console.warn('openstory: the recorder hit an internal error and carries on without it', error);
    } catch {
      // A page that replaced console with something that throws still must not see our error.
    }
  };
}
