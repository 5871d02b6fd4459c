import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { afterEach, expect, test, vi } from 'vitest';
import { deriveChanges } from '../src/ingest/derive';
import { decodeBody } from '../src/ingest/decode';
import { encodeEvents, eventsText, storedEvents } from '../src/ingest/encode';
import { INGEST_LIMITS } from '../src/ingest/limits';
import { validateBundle } from '../src/ingest/validate';
import { STRING_REF, stringId, type eventWithTime } from 'openstory/vocabulary';
import Database from 'better-sqlite3';
import { DATABASE_FILE, openSqliteStorage } from '../src/storage/sqlite';
import { createGroupCommit } from '../src/storage/group-commit';
import { MAX_CALL_PAYLOAD_BYTES, MAX_PAGE_VARS, MAX_USER_VARS, extractFacts } from '../src/facts';
import { factAt, recordingStart, sessionEvents, T0 } from './fixtures';
import type { Storage } from '../src/storage/types';

const sessionEventsOf = (storage: Storage) => sessionEvents(storage, 'o-demo', 'u-alice', 's-1');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'openstory-storage-'));
  dirs.push(dir);
  return dir;
};

const batch = (pageId: string, seq = 1) =>
  deriveChanges({
    orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId, seq, receivedAt: T0 + 1000,
    ...storedEvents(recordingStart() as eventWithTime[]),
  });

test('group commit: items submitted together share one write, each promise gets its own result', async () => {
  const writes: number[][] = [];
  const commits = createGroupCommit((items: number[]) => {
    writes.push(items);
    return items.map((item) => ({ value: item * 10 }));
  }, 2);
  expect(await Promise.all([commits.submit(1), commits.submit(2), commits.submit(3)])).toEqual([10, 20, 30]);
  expect(await commits.submit(4)).toBe(40);
  expect(writes).toEqual([[1, 2, 3], [4]]);
});

test('group commit: a failed write rejects every item of its group, the next group is written', async () => {
  let fail = true;
  const commits = createGroupCommit((items: string[]) => {
    if (fail) throw new Error('disk full');
    return items.map((value) => ({ value }));
  }, 2);
  const failed = [commits.submit('a'), commits.submit('b')].map((promise) => promise.catch((error: Error) => error.message));
  expect(await Promise.all(failed)).toEqual(['disk full', 'disk full']);
  fail = false;
  expect(await commits.submit('c')).toBe('c');
});

test('group commit, one at a time: what arrives during a write is written after it as one group, and close() waits for it', async () => {
  const writes: number[][] = [];
  const finishers: Array<() => void> = [];
  const commits = createGroupCommit(async (items: number[]) => {
    writes.push(items);
    await new Promise<void>((resolve) => finishers.push(resolve));
    return items.map((item) => ({ value: item }));
  }, 1, true);
  const first = commits.submit(1);
  await vi.waitFor(() => expect(writes).toHaveLength(1));
  const later = [2, 3, 4].map((item) => commits.submit(item));
  // Their window passes while the first write is still under way: no second write starts.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(writes).toEqual([[1]]);
  finishers[0]();
  await vi.waitFor(() => expect(writes).toEqual([[1], [2, 3, 4]]));
  const closed = commits.close();
  finishers[1]();
  await closed;
  expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
});

test('group commit: close() waits for an asynchronous write under way', async () => {
  let finish!: () => void;
  const written: string[] = [];
  const commits = createGroupCommit(async (items: string[]) => {
    await new Promise<void>((resolve) => (finish = resolve));
    written.push(...items);
    return items.map((value) => ({ value }));
  }, 2);
  const pending = commits.submit('a');
  const closing = commits.close();
  let closed = false;
  void closing.then(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(closed).toBe(false);
  finish();
  await closing;
  expect(written).toEqual(['a']);
  expect(await pending).toBe('a');
});

test('a bundle that fails inside a group commit fails alone: the others of its group are stored and answered', async () => {
  const dir = dataDir();
  const storage = openSqliteStorage(dir);
  // A blob SQLite cannot bind: the statement throws inside the group's transaction.
  const broken = { ...batch('p-2'), events: { ...batch('p-2').events, deflated: {} as Uint8Array } };
  const answers = await Promise.allSettled([storage.ingest(batch('p-1')), storage.ingest(broken), storage.ingest(batch('p-3'))]);
  expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  await storage.close();
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  expect(db.prepare('SELECT page_id FROM bundles ORDER BY page_id').all()).toEqual([{ page_id: 'p-1' }, { page_id: 'p-3' }]);
  // The failed bundle left no page and no count behind: its savepoint was rolled back.
  expect(db.prepare('SELECT page_id FROM pages ORDER BY page_id').all()).toEqual([{ page_id: 'p-1' }, { page_id: 'p-3' }]);
  expect(db.prepare('SELECT bundles FROM sessions').get()).toEqual({ bundles: 2 });
  db.close();
});

test('the checkpointer thread copies the WAL into the database file while the store stays open', async () => {
  const dir = dataDir();
  const storage = openSqliteStorage(dir);
  const file = join(dir, DATABASE_FILE);
  const before = statSync(file).size;
  // Far fewer pages than SQLite's automatic checkpoint (1000) waits for: only the thread copies them now.
  await Promise.all(Array.from({ length: 20 }, (_, index) => storage.ingest(batch(`p-${index}`))));
  await expect.poll(() => statSync(file).size, { timeout: 10_000, interval: 100 }).toBeGreaterThan(before);
  await storage.close();
});

test('deriveChanges: plain data, snapshots the bundle has not set yet left to the stored page (null)', () => {
  const events = [
    factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: 2, EventModDead: 1, EventModError: 0 }, T0 + 100),
    factAt('navigate', { PageUrl: 'https://shop.example/checkout', EventSubType: 'spa', EventModSuspicious: 0 }, T0 + 200),
    factAt('duration', { PageDuration: 4000, PageActiveDuration: 1000, PageMaxScrollDepthPercent: 30 }, T0 + 300),
    factAt('userVars', { UserEmail: 'alice@example.com', vars: { plan_str: 'pro' } }, T0 + 400),
  ] as eventWithTime[];
  const changes = deriveChanges({ ...batch('p-1'), ...storedEvents(events) });
  expect(changes).toMatchObject({
    firstSeen: T0 + 100, lastSeen: T0 + 400,
    pageState: { url: 'https://shop.example/checkout', duration: 4000, activeDuration: 1000, maxScrollDepthPercent: 30 },
    identities: [],
    userVars: { email: 'alice@example.com', vars: { plan_str: 'pro' } },
    // The click is the second of a rage burst whose first click (and so its count) came earlier.
    session: { events: 4, rageClicks: 0, deadClicks: 1, errorClicks: 0, errors: 0 },
  });
  expect(changes.facts.map(({ tag, pageUrl, numInfos, row }) => ({ tag, pageUrl, numInfos, row }))).toEqual([
    { tag: 'click', pageUrl: null, numInfos: null, row: true },
    { tag: 'navigate', pageUrl: 'https://shop.example/checkout', numInfos: null, row: true },
  ]);
});

test('a rage burst counts as one rage click, wherever bundle boundaries cut it; dead clicks count per click', () => {
  const click = (n: number, at: number) =>
    factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: n, EventModDead: 1, EventModError: 0 }, at);
  // Two bursts (3 and 4 clicks, 7 clicks in all), the second one split over two bundles.
  const first = [click(1, T0 + 10), click(2, T0 + 20), click(3, T0 + 30), click(1, T0 + 2000), click(2, T0 + 2100)] as eventWithTime[];
  const second = [click(3, T0 + 2200), click(4, T0 + 2300)] as eventWithTime[];
  const counts = [first, second].map((events, seq) => deriveChanges({ ...batch('p-1'), seq, ...storedEvents(events) }).session);
  expect(counts.map((count) => count.rageClicks)).toEqual([2, 0]);
  expect(counts.map((count) => count.deadClicks)).toEqual([5, 2]);
});

test('page properties: the name is replaced, the other properties merge per page', async () => {
  const storage = openSqliteStorage(dataDir());
  const withPageVars = (seq: number, payload: { PageName?: string; vars: Record<string, unknown> }) => {
    const events = [factAt('pageVars', payload, T0 + seq)] as eventWithTime[];
    return deriveChanges({ orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId: 'p-1', seq, receivedAt: T0 + 1000, ...storedEvents(events) });
  };
  await storage.ingest(withPageVars(1, { PageName: 'Cart', vars: { step_int: 1, section_str: 'shop' } }));
  await storage.ingest(withPageVars(2, { PageName: 'Checkout', vars: { step_int: 2, 'bad name': 1 } }));
  await storage.close();
  const db = new Database(join(dirs.at(-1)!, DATABASE_FILE), { readonly: true });
  const page = db.prepare('SELECT page_name, page_vars FROM pages WHERE page_id = ?').get('p-1') as { page_name: string; page_vars: string };
  db.close();
  expect(page.page_name).toBe('Checkout');
  expect(JSON.parse(page.page_vars)).toEqual({ step_int: 2, section_str: 'shop' });
});

test(`a page keeps at most ${MAX_PAGE_VARS} properties: stored ones still update, new ones past the cap are dropped`, async () => {
  const storage = openSqliteStorage(dataDir());
  const withPageVars = (seq: number, vars: Record<string, unknown>) => {
    const events = [factAt('pageVars', { vars }, T0 + seq)] as eventWithTime[];
    return deriveChanges({ orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId: 'p-1', seq, receivedAt: T0 + 1000, ...storedEvents(events) });
  };
  const many = (from: number, count: number, value: string) => Object.fromEntries(Array.from({ length: count }, (_, n) => [`v${from + n}_str`, value]));
  await storage.ingest(withPageVars(1, many(0, MAX_PAGE_VARS - 1, 'a')));
  await storage.ingest(withPageVars(2, { ...many(0, 1, 'b'), ...many(1000, 5, 'c') }));
  await storage.close();
  const db = new Database(join(dirs.at(-1)!, DATABASE_FILE), { readonly: true });
  const page = db.prepare('SELECT page_vars FROM pages WHERE page_id = ?').get('p-1') as { page_vars: string };
  db.close();
  const vars = JSON.parse(page.page_vars) as Record<string, string>;
  expect(Object.keys(vars)).toHaveLength(MAX_PAGE_VARS);
  expect(vars).toMatchObject({ v0_str: 'b', v1000_str: 'c' });
  expect(vars.v1001_str).toBeUndefined();
});

test(`a user keeps at most ${MAX_USER_VARS} custom vars over all their pages: stored ones still update, new ones past the cap are dropped`, async () => {
  const storage = openSqliteStorage(dataDir());
  const withUserVars = (pageId: string, seq: number, vars: Record<string, unknown>) => {
    const events = [factAt('userVars', { vars }, T0 + seq)] as eventWithTime[];
    return deriveChanges({ orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId, seq, receivedAt: T0 + 1000, ...storedEvents(events) });
  };
  const many = (from: number, count: number, value: string) => Object.fromEntries(Array.from({ length: count }, (_, n) => [`v${from + n}_str`, value]));
  await storage.ingest(withUserVars('p-1', 1, many(0, MAX_USER_VARS - 1, 'a')));
  await storage.ingest(withUserVars('p-2', 1, { ...many(0, 1, 'b'), ...many(1000, 5, 'c') }));
  await storage.close();
  const db = new Database(join(dirs.at(-1)!, DATABASE_FILE), { readonly: true });
  const user = db.prepare('SELECT vars FROM users WHERE user_id = ?').get('u-alice') as { vars: string };
  db.close();
  const vars = JSON.parse(user.vars) as Record<string, string>;
  expect(Object.keys(vars)).toHaveLength(MAX_USER_VARS);
  expect(vars).toMatchObject({ v0_str: 'b', v1000_str: 'c' });
  expect(vars.v1001_str).toBeUndefined();
});

test('a database from before issue 18 is recounted on open: each rage burst once', async () => {
  const dir = dataDir();
  const storage = openSqliteStorage(dir);
  const click = (n: number, at: number) =>
    factAt('click', { EventTargetText: 'Pay', EventTargetSelectorTok: 'html body button', EventModFrustrated: n, EventModDead: 0, EventModError: 0 }, at);
  const events = [click(1, T0 + 10), click(2, T0 + 20), click(3, T0 + 30), click(1, T0 + 3000), click(2, T0 + 3100), click(3, T0 + 3200)] as eventWithTime[];
  await storage.ingest(deriveChanges({ ...batch('p-1'), ...storedEvents(events) }));
  await storage.close();
  // As the earlier collector left it: every rage click counted, schema at the version before the recount.
  const db = new Database(join(dir, DATABASE_FILE));
  db.exec(`UPDATE sessions SET rage_clicks = 6; DROP INDEX sessions_by_start; DROP INDEX sessions_by_frustration; DROP INDEX users_by_email;
    DROP INDEX pages_by_name; DROP INDEX facts_by_tag; DROP TABLE segments; ALTER TABLE bundles DROP COLUMN events_deflated;
    PRAGMA user_version = 5;`);
  db.close();
  const reopened = openSqliteStorage(dir);
  expect((await reopened.listSessions({ limit: 1 }))[0].rageClicks).toBe(2);
  await reopened.close();
});

test('export periods start on whole milliseconds even where an older database holds fractional fact timestamps', async () => {
  const dir = dataDir();
  const storage = openSqliteStorage(dir);
  const events = [factAt('custom', { EventCustomName: 'Old', properties: {} }, T0 + 10)] as eventWithTime[];
  await storage.ingest(deriveChanges({ orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId: 'p-1', seq: 1, receivedAt: T0 + 1000, ...storedEvents(events) }));
  await storage.close();
  const db = new Database(join(dir, DATABASE_FILE));
  db.prepare('UPDATE facts SET ts = ts + 0.5').run();
  db.close();
  const reopened = openSqliteStorage(dir);
  const hour = 3_600_000;
  expect(await reopened.exportPeriods('o-demo', T0 - hour, T0 + hour, hour, 10)).toEqual([Math.floor((T0 + 10) / hour) * hour]);
  await reopened.close();
});

test(`a call's payload over ${MAX_CALL_PAYLOAD_BYTES} bytes (FullStory's per-call cap, the SDK's too) is not kept as a fact`, () => {
  const events = [
    factAt('custom', { EventCustomName: 'Big', properties: { text_str: 'x'.repeat(MAX_CALL_PAYLOAD_BYTES) } }, T0),
    factAt('pageVars', { vars: { text_str: 'é'.repeat(MAX_CALL_PAYLOAD_BYTES / 2) } }, T0 + 1),
    factAt('custom', { EventCustomName: 'Small', properties: { text_str: 'x'.repeat(1000) } }, T0 + 2),
  ] as eventWithTime[];
  expect(extractFacts(events).map((fact) => fact.payload.EventCustomName)).toEqual(['Small']);
});

test('events are stored as validated, deflated once: the row holds the JSON the replay reads, without unknown fields', async () => {
  const dir = dataDir();
  const storage = openSqliteStorage(dir);
  const events = [...recordingStart(), { type: 3, timestamp: T0 + 20, data: { source: 2, type: 1, id: 5 }, extra: 'not rrweb' }] as eventWithTime[];
  const validated = validateBundle({ v: 1, orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId: 'p-1', seq: 1, sentAt: T0, events });
  if ('status' in validated) throw new Error(validated.message);
  await storage.ingest(deriveChanges({ ...batch('p-1'), ...storedEvents(validated.events) }));
  expect(await sessionEventsOf(storage)).toEqual(validated.events);
  await storage.close();
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  const row = db.prepare('SELECT events, events_deflated, event_count FROM bundles').get() as { events: string; events_deflated: Buffer; event_count: number };
  db.close();
  expect(row.events).toBe('');
  expect(row.event_count).toBe(events.length);
  expect(inflateRawSync(row.events_deflated).toString()).toBe(JSON.stringify(validated.events));
  expect(Buffer.compare(row.events_deflated, encodeEvents(validated.events).deflated)).toBe(0);
  expect(JSON.parse(inflateRawSync(row.events_deflated).toString()).at(-1)).not.toHaveProperty('extra');
});

test('a gzip body is stored as received and read back as its validated events, without unknown fields', async () => {
  const dir = dataDir();
  const storage = openSqliteStorage(dir);
  const events = [...recordingStart(), { type: 3, timestamp: T0 + 20, data: { source: 2, type: 1, id: 5 }, extra: 'not rrweb' }];
  const body = gzipSync(JSON.stringify({ v: 1, orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId: 'p-1', seq: 1, sentAt: T0, events, unknown: 'x' }));
  const decoded = decodeBody(body, true, INGEST_LIMITS);
  if ('status' in decoded) throw new Error(decoded.message);
  await storage.ingest(deriveChanges({ ...batch('p-1'), events: decoded.bundle.events, facts: decoded.facts }));
  const validated = events.map(({ type, data, timestamp }) => ({ type, data, timestamp }));
  expect(await sessionEventsOf(storage)).toEqual(validated);
  await storage.close();
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  const row = db.prepare('SELECT events_deflated, event_count FROM bundles').get() as { events_deflated: Buffer; event_count: number };
  db.close();
  expect(Buffer.compare(row.events_deflated, body)).toBe(0);
  expect(row.event_count).toBe(events.length);
  expect(eventsText(row.events_deflated)).toBe(JSON.stringify(validated));
});

test('a gzip body with string definitions is stored as its events, so the definitions live only in the string table', () => {
  const css = 'main { display: grid } '.repeat(20);
  const events = [...recordingStart(), { type: 3, timestamp: T0 + 20, data: { source: 8, id: 1, adds: [{ rule: STRING_REF + stringId(css), index: 0 }] } }];
  const envelope = { v: 1, orgId: 'o-demo', userId: 'u-alice', sessionId: 's-1', pageId: 'p-1', seq: 1, sentAt: T0, events };
  const defining = decodeBody(gzipSync(JSON.stringify({ ...envelope, strings: { [stringId(css)]: css } })), true, INGEST_LIMITS);
  const plain = decodeBody(gzipSync(JSON.stringify(envelope)), true, INGEST_LIMITS);
  if ('status' in defining || 'status' in plain) throw new Error('refused');
  expect(eventsText(defining.bundle.events.deflated)).toBe(eventsText(plain.bundle.events.deflated));
  // The stored bytes themselves, whichever form they take (a received gzip body, or deflated events).
  const stored = Buffer.from(defining.bundle.events.deflated);
  expect((stored[0] === 0x1f ? gunzipSync(stored) : inflateRawSync(stored)).toString()).not.toContain(css);
  expect(defining.bundle.strings).toEqual({ [stringId(css)]: css });
});

test('a database from before schema 9 keeps its events as text: read as they are, beside bundles stored deflated after the upgrade', async () => {
  const dir = dataDir();
  const storage = openSqliteStorage(dir);
  await storage.ingest(batch('p-1', 1));
  await storage.close();
  // As a collector before schema 9 left it: the JSON text in `events`, no deflated column.
  const db = new Database(join(dir, DATABASE_FILE));
  db.prepare('ALTER TABLE bundles DROP COLUMN events_deflated').run();
  db.prepare('UPDATE bundles SET events = ?').run(JSON.stringify(recordingStart()));
  db.pragma('user_version = 8');
  db.close();
  const reopened = openSqliteStorage(dir);
  await reopened.ingest(batch('p-1', 2));
  expect(await sessionEventsOf(reopened)).toEqual([...recordingStart(), ...recordingStart()]);
  await reopened.close();
  const upgraded = new Database(join(dir, DATABASE_FILE), { readonly: true });
  expect(upgraded.pragma('user_version', { simple: true })).toBe(10);
  upgraded.close();
});
