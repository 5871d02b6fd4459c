/** A request the collector refuses: the status and stable error code of docs/protocol.md. */
export interface Refusal {
  status: 400 | 401 | 403 | 404 | 413 | 429;
  error: string;
  message: string;
  /** Seconds, for 429. */
  retryAfter?: number;
}

export const refuse = (status: Refusal['status'], error: string, message: string): Refusal => ({ status, error, message });

export const isRefusal = (value: unknown): value is Refusal =>
  typeof value === 'object' && value !== null && 'status' in value && 'error' in value;
