import { gunzipSync } from 'node:zlib';
import { parseExportJson, T0 } from '../fixtures';

/** An authorized call to one collector's API (`Authorization: Basic <api key>`). */
export type Api = (path: string, init?: RequestInit) => Promise<Response>;

const HOUR = 3600_000;

/** Every row of every legacy Data Export bundle (`/api/v1/export/list`, then `get` of each). */
export async function legacyRows(api: Api): Promise<unknown[]> {
  const list = await (await api('/api/v1/export/list?start=0')).json();
  const rows = [];
  for (const ref of list.exports) rows.push(...parseExportJson(await (await api(`/api/v1/export/get?id=${ref.ID}`)).text()));
  return rows;
}

/** A Segment Export of everyone (events: the hour after `from`), followed through its operation to the download. */
export async function segmentRows(api: Api, type: string, from = T0): Promise<unknown[]> {
  const rfc3339 = (ms: number) => new Date(ms).toISOString();
  const body = { segmentId: 'everyone', type, format: 'FORMAT_NDJSON', segmentTimeRange: { start: '', end: '' },
    timeRange: type === 'TYPE_EVENT' ? { start: rfc3339(from), end: rfc3339(from + HOUR) } : { start: '', end: '' } };
  const created = await (await api('/segments/v1/exports', { method: 'POST', body: JSON.stringify(body) })).json();
  for (;;) {
    const operation = await (await api(`/operations/v1/${created.operationId}`)).json();
    if (operation.state === 'COMPLETED') {
      const search = await (await api(`/search/v1/exports/${operation.results.searchExportId}/results`)).json();
      const text = gunzipSync(Buffer.from(await (await fetch(search.location)).arrayBuffer())).toString('utf8');
      return text.trim().split('\n').map(parseExportJson);
    }
    if (operation.state !== 'PENDING') throw new Error(JSON.stringify(operation));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
