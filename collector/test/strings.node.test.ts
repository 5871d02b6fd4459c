import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { STRING_REF, stringId, type eventWithTime } from 'openstory/vocabulary';
import { expandReferences, undefinedReferences, validateStrings } from '../src/ingest/references';
import { createKnownStrings, KNOWN_IDS } from '../src/ingest/session-strings';
import { openSqliteStorage } from '../src/storage/sqlite';
import type { Storage } from '../src/storage/types';
import { factAt, makeBundle, recordingStart, sessionEvents, startTestCollector, T0, type TestCollector } from './fixtures';

const CSS = 'body { margin: 0 } '.repeat(20);
const CSS_ID = stringId(CSS);
const ref = (id: string) => STRING_REF + id;

/** A full snapshot whose stylesheet link carries `cssText` (a reference or the text), and a text node of `text`. */
const snapshot = (cssText: string, text = 'Hello', at = T0 + 20) =>
  ({
    type: 2,
    timestamp: at,
    data: {
      initialOffset: { top: 0, left: 0 },
      node: {
        type: 0, id: 1, childNodes: [
          { type: 2, id: 2, tagName: 'html', attributes: {}, childNodes: [
            { type: 2, id: 3, tagName: 'link', attributes: { rel: 'stylesheet', _cssText: cssText }, childNodes: [] },
            { type: 2, id: 4, tagName: 'body', attributes: {}, childNodes: [{ type: 3, id: 5, textContent: text }] },
          ] },
        ],
      },
    },
  }) as unknown as eventWithTime;

const linkCss = (event: any) => event.data.node.childNodes[0].childNodes[0].attributes._cssText;

describe('expandReferences', () => {
  test('replaces references, restores escaped strings and leaves facts alone', () => {
    const table = new Map([[CSS_ID, CSS]]);
    const fact = factAt('custom', { EventCustomName: ref('looks like a reference'), properties: {} }, T0) as unknown as eventWithTime;
    const expanded = expandReferences([snapshot(ref(CSS_ID), STRING_REF + ref('text')), fact], table);
    expect(expanded).toHaveLength(2);
    expect(linkCss(expanded[0])).toBe(CSS);
    expect((expanded[0] as any).data.node.childNodes[0].childNodes[1].childNodes[0].textContent).toBe(ref('text'));
    expect(expanded[1]).toBe(fact);
  });

  test('a reference the table lacks is served as an empty string, never as a reference', () => {
    const [event] = expandReferences([snapshot(ref('abc.def'))], new Map());
    expect(linkCss(event)).toBe('');
  });

  test('undefinedReferences lists what neither the bundle defines nor an escape hides', () => {
    const events = [snapshot(ref(CSS_ID)), snapshot(ref('abc.def'), STRING_REF + ref('escaped'))];
    expect(undefinedReferences(events, { [CSS_ID]: CSS })).toEqual(['abc.def']);
  });

  test('a definition must carry its own content address', () => {
    expect(validateStrings({ [CSS_ID]: CSS })).toEqual({ [CSS_ID]: CSS });
    expect(validateStrings({ [CSS_ID]: `${CSS} ` })).toMatchObject({ status: 400, error: 'bad-schema' });
    expect(validateStrings(['x'])).toMatchObject({ status: 400, error: 'bad-schema' });
  });
});

describe('createKnownStrings', () => {
  test('holds at most KNOWN_IDS ids over all sessions, then starts over and asks storage again', async () => {
    const asked: string[][] = [];
    const storage = { sessionStrings: async (_o: string, _u: string, _s: string, ids: readonly string[]) => (asked.push([...ids]), new Map()) } as unknown as Storage;
    const known = createKnownStrings(storage);
    // One session defining ids bundle after bundle: the cap is on ids, not on sessions.
    known.remember('o', 'u', 's', Array.from({ length: KNOWN_IDS }, (_, n) => `a.${n.toString(36)}`));
    expect(await known.missing('o', 'u', 's', ['a.0', `a.${(KNOWN_IDS - 1).toString(36)}`])).toEqual([]);
    expect(asked).toEqual([]);
    known.remember('o', 'u', 's', ['b.0']);
    expect(await known.missing('o', 'u', 's', ['a.0', 'b.0'])).toEqual(['a.0']);
    expect(asked).toEqual([['a.0']]);
  });
});

/** SQLite storage with the ids each sessionStrings read asked for recorded. */
function countedStorage() {
  const storage = openSqliteStorage(mkdtempSync(join(tmpdir(), 'openstory-')));
  const asked: string[][] = [];
  const counted: Storage = {
    ...storage,
    sessionStrings: (...args) => {
      asked.push([...args[3]]);
      return storage.sessionStrings(...args);
    },
  };
  return { counted, asked };
}

describe('ingest with the string table', () => {
  let collector: TestCollector;
  afterEach(() => collector?.dispose());

  test('an unknown reference is refused with unknown-string; once defined, later bundles and pages reference it', async () => {
    const { counted, asked } = countedStorage();
    collector = await startTestCollector({ storage: counted });
    const [meta] = recordingStart();
    const unknown = await collector.send(makeBundle({ events: [meta, snapshot(ref(CSS_ID))] as any }));
    expect(unknown).toMatchObject({ status: 400, body: { ok: false, error: 'unknown-string' } });

    expect((await collector.send(makeBundle({ events: [meta, snapshot(ref(CSS_ID))] as any, strings: { [CSS_ID]: CSS } }))).status).toBe(200);
    // The next page of the session: the reference alone.
    const next = makeBundle({ pageId: 'p-2', events: [meta, snapshot(ref(CSS_ID), 'Second page', T0 + 40)] as any });
    expect((await collector.send(next)).status).toBe(200);
    // Another session does not share the table.
    expect((await collector.send(makeBundle({ sessionId: 's-2', pageId: 'p-3', events: [meta, snapshot(ref(CSS_ID))] as any }))).status).toBe(400);
    // The ingest check read only the referenced id, once a session (the second page hit the cache).
    expect(asked).toEqual([[CSS_ID], [CSS_ID]]);

    // Stored: the events keep their references, the definition is in the session's string table, and no event was added.
    const stored = await sessionEvents(collector.storage, 'o-demo', 'u-alice', 's-1');
    expect(stored).toHaveLength(4);
    expect(stored.filter((event) => event.type === 2).map(linkCss)).toEqual([ref(CSS_ID), ref(CSS_ID)]);
    expect(await collector.storage.sessionStrings('o-demo', 'u-alice', 's-1', [CSS_ID, 'abc.def'])).toEqual(new Map([[CSS_ID, CSS]]));
    expect((await collector.storage.getSession('o-demo', 'u-alice', 's-1'))?.events).toBe(4);
    // The viewer's events.json, whole and a bundle a page, serves the same plain events: one
    // read of the string table for the whole session, and one a page.
    const url = `${collector.url}/sessions/o-demo.u-alice.s-1/events.json`;
    asked.length = 0;
    const served: eventWithTime[] = await (await fetch(url)).json();
    expect(served.filter((event) => event.type === 2).map(linkCss)).toEqual([CSS, CSS]);
    expect(JSON.stringify(served)).not.toContain(STRING_REF);
    expect(asked).toEqual([[CSS_ID]]);
    asked.length = 0;
    const paged: eventWithTime[] = [];
    for (let next: string | null = ''; next !== null; ) {
      const page: { events: eventWithTime[]; next: string | null } = await (await fetch(`${url}?limit=1&after=${next}`)).json();
      paged.push(...page.events);
      next = page.next;
    }
    expect(paged).toEqual(served);
    expect(asked).toEqual([[CSS_ID], [CSS_ID]]);
  });

  test('events.json reads the string table once a page however many of its bundles reference new strings', async () => {
    const { counted, asked } = countedStorage();
    collector = await startTestCollector({ storage: counted });
    const [meta] = recordingStart();
    const other = `${CSS}/* another sheet */`;
    const otherId = stringId(other);
    const defining = (seq: number, text: string, id: string) =>
      makeBundle({ seq, events: [...(seq === 0 ? [meta] : []), snapshot(ref(id), 'Hi', T0 + 20 + seq)] as any, strings: { [id]: text } });
    expect((await collector.send(defining(0, CSS, CSS_ID))).status).toBe(200);
    expect((await collector.send(defining(1, other, otherId))).status).toBe(200);
    asked.length = 0;
    const page: { events: eventWithTime[] } = await (await fetch(`${collector.url}/sessions/o-demo.u-alice.s-1/events.json?limit=100000`)).json();
    expect(page.events.filter((event) => event.type === 2).map(linkCss)).toEqual([CSS, other]);
    expect(asked).toEqual([[CSS_ID, otherId]]);
  });

  test("deleting the user deletes the session's string table", async () => {
    collector = await startTestCollector();
    const [meta] = recordingStart();
    expect((await collector.send(makeBundle({ events: [meta, snapshot(ref(CSS_ID))] as any, strings: { [CSS_ID]: CSS } }))).status).toBe(200);
    expect((await collector.storage.sessionStrings('o-demo', 'u-alice', 's-1', [CSS_ID])).size).toBe(1);
    await collector.storage.deleteUser('o-demo', { userId: 'u-alice' });
    expect((await collector.storage.sessionStrings('o-demo', 'u-alice', 's-1', [CSS_ID])).size).toBe(0);
    // The page, still open, references the stylesheet it was told the collector holds: refused, so it defines it again.
    const later = makeBundle({ seq: 1, events: [snapshot(ref(CSS_ID), 'Hi', T0 + 30)] as any });
    expect(await collector.send(later)).toMatchObject({ status: 400, body: { error: 'unknown-string' } });
  });
});
