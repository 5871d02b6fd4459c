/** A request the collector refuses: the status and stable error code of docs/protocol.md. */
export interface Refusal {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503;
  error: string;
  message: string;
  /** Seconds, for 429 and 503. */
  retryAfter?: number;
}

export const refuse = (status: Refusal['status'], error: string, message: string): Refusal => ({ status, error, message });

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && 'status' in value && 'error' in value;
