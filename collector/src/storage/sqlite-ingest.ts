import type { Database } from 'better-sqlite3';
import { mergeUserVars, pageVarsWithin } from '../facts';
import { factValues, pageMetadataParams, pageStateParams, parseJson, type Row } from './sqlite-rows';
import type { BatchChanges, IngestResult } from './types';

/**
 * The page row's snapshot columns as they stand before this bundle's state, after its metadata
 * (setPageMetadata fills current_url when empty): what a fact left null takes. A new page's stub
 * has empty URLs and zero counts.
 */
function pageBefore(stored: Row, metadataUrl: string | undefined): Row {
  const currentUrl = (stored.current_url as string | null) ?? '';
  return {
    page_url: currentUrl !== '' ? currentUrl : metadataUrl ?? (stored.url as string | null) ?? '',
    num_infos: stored.num_infos ?? 0,
    num_warnings: stored.num_warnings ?? 0,
    num_errors: stored.num_errors ?? 0,
  };
}

/**
 * Persists one bundle's BatchChanges (the caller wraps it in a transaction). Every merge is an SQL
 * upsert or update on the stored row, except three that need the stored state: fact snapshots the
 * bundle left null, user vars (see facts.mergeUserVars) and the cap on page vars
 * (facts.pageVarsWithin); the page's and the session's rows are read once, first. Statements run
 * in this order because the facts snapshot the page as it stood before this bundle's state.
 */
export function prepareIngest(db: Database): (changes: BatchChanges) => IngestResult {
  const statements = {
    // The page and the session as stored, in one read: the owner, the clock offset, the snapshot the
    // bundle's facts take and the usage the cap checks. A row of nulls where neither exists yet.
    selectStored: db.prepare(`SELECT p.user_id, p.session_id, p.clock_offset, p.url, p.current_url, p.num_infos, p.num_warnings, p.num_errors, p.page_vars,
        s.bundles, s.bytes FROM (SELECT 1) LEFT JOIN pages p ON p.org_id = ? AND p.page_id = ?
        LEFT JOIN sessions s ON s.org_id = ? AND s.user_id = ? AND s.session_id = ?`),
    setClockOffset: db.prepare('UPDATE pages SET clock_offset = min(coalesce(clock_offset, ?), ?) WHERE org_id = ? AND page_id = ?'),
    // The events as ingest/encode.ts keeps them (the received gzip body, or raw deflate); `events` holds only rows from before schema 9.
    insertBundle: db.prepare(
      "INSERT OR IGNORE INTO bundles (org_id, page_id, seq, received_at, event_count, events, events_deflated) VALUES (?, ?, ?, ?, ?, '', ?)",
    ),
    insertString: db.prepare('INSERT OR IGNORE INTO strings (org_id, user_id, session_id, id, text) VALUES (?, ?, ?, ?, ?)'),
    ensureUser: db.prepare(
      // The WHERE: a user already stored earlier is not rewritten (an upsert's update writes the row even unchanged).
      'INSERT INTO users (org_id, user_id, created) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET created = excluded.created WHERE excluded.created < created',
    ),
    insertStubPage: db.prepare('INSERT INTO pages (org_id, page_id, user_id, session_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    setPageMetadata: db.prepare(`UPDATE pages SET start = @start, url = @url,
        current_url = CASE WHEN current_url = '' THEN @url ELSE current_url END, referrer = @referrer,
        user_agent = @userAgent, ip = @ip, browser = @browser, browser_version = @browserVersion, device = @device, os = @os,
        screen_width = @screenWidth, screen_height = @screenHeight, viewport_width = @viewportWidth, viewport_height = @viewportHeight,
        time_zone = @timeZone, language = @language,
        latitude = @latitude, longitude = @longitude, country = @country, region = @region, city = @city WHERE org_id = @orgId AND page_id = @pageId`),
    insertFact: db.prepare(`INSERT OR IGNORE INTO facts
        (org_id, page_id, seq, idx, ts, tag, payload, page_url, num_infos, num_warnings, num_errors, is_row)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    setPageState: db.prepare(`UPDATE pages SET current_url = coalesce(@url, current_url), num_infos = coalesce(@numInfos, num_infos),
        num_warnings = coalesce(@numWarnings, num_warnings), num_errors = coalesce(@numErrors, num_errors),
        load_dom_content = coalesce(@loadDomContentTime, load_dom_content), load_event = coalesce(@loadEventTime, load_event),
        load_first_paint = coalesce(@loadFirstPaintTime, load_first_paint),
        load_largest_paint = coalesce(@largestPaintTime, load_largest_paint),
        cumulative_layout_shift = coalesce(@cumulativeLayoutShift, cumulative_layout_shift),
        duration = CASE WHEN @duration IS NULL THEN duration ELSE max(coalesce(duration, 0), @duration) END,
        active_duration = CASE WHEN @activeDuration IS NULL THEN active_duration ELSE max(coalesce(active_duration, 0), @activeDuration) END,
        max_scroll = CASE WHEN @maxScrollDepthPercent IS NULL THEN max_scroll ELSE max(coalesce(max_scroll, 0), @maxScrollDepthPercent) END,
        page_name = coalesce(@pageName, page_name),
        page_vars = CASE WHEN @pageVars IS NULL THEN page_vars ELSE json_patch(page_vars, @pageVars) END
        WHERE org_id = @orgId AND page_id = @pageId`),
    setAppKey: db.prepare('UPDATE users SET user_app_key = ? WHERE org_id = ? AND user_id = ?'),
    selectUserVars: db.prepare('SELECT vars FROM users WHERE org_id = ? AND user_id = ?'),
    setUserVars: db.prepare(
      'UPDATE users SET email = coalesce(?, email), display_name = coalesce(?, display_name), vars = ? WHERE org_id = ? AND user_id = ?',
    ),
    upsertSession: db.prepare(`INSERT INTO sessions (org_id, user_id, session_id, start, last, pages, events, rage_clicks, dead_clicks, error_clicks, errors, bundles, bytes)
        VALUES (@orgId, @userId, @sessionId, @start, @last, @pages, @events, @rageClicks, @deadClicks, @errorClicks, @errors, 1, @bytes)
        ON CONFLICT DO UPDATE SET start = min(start, excluded.start), last = max(last, excluded.last),
        bundles = bundles + 1, bytes = bytes + excluded.bytes,
        pages = pages + excluded.pages, events = events + excluded.events, rage_clicks = rage_clicks + excluded.rage_clicks,
        dead_clicks = dead_clicks + excluded.dead_clicks, error_clicks = error_clicks + excluded.error_clicks, errors = errors + excluded.errors`),
  };

  return (changes) => {
    const { orgId, userId, sessionId, pageId, seq, receivedAt, events, page, firstSeen, userVars, sessionCap } = changes;
    // Checked inside the commit, so two bundles racing for one new page cannot both bind it.
    const stored = statements.selectStored.get(orgId, pageId, orgId, userId, sessionId) as Row;
    const newPage = stored.user_id === null;
    if (!newPage && (stored.user_id !== userId || stored.session_id !== sessionId)) return { duplicate: false, refused: 'page-owned-elsewhere' };
    const usage = stored.bundles === null ? undefined : { bundles: stored.bundles as number, bytes: stored.bytes as number };
    if (sessionCap && usage && (usage.bundles >= sessionCap.bundles || usage.bytes + events.chars > sessionCap.bytes)) {
      return { duplicate: false, refused: 'session-full' };
    }
    const inserted = statements.insertBundle.run(orgId, pageId, seq, receivedAt, events.count, events.deflated);
    if (inserted.changes === 0) return { duplicate: true };
    for (const [id, text] of Object.entries(changes.strings ?? {})) statements.insertString.run(orgId, userId, sessionId, id, text);

    statements.ensureUser.run(orgId, userId, firstSeen);
    if (newPage) statements.insertStubPage.run(orgId, pageId, userId, sessionId);
    if (page) statements.setPageMetadata.run(pageMetadataParams(orgId, pageId, page));
    const { clockOffset } = changes;
    if (clockOffset !== undefined && (stored.clock_offset === null || clockOffset < (stored.clock_offset as number))) {
      statements.setClockOffset.run(clockOffset, clockOffset, orgId, pageId);
    }
    const before = pageBefore(stored, page?.url);
    for (const fact of changes.facts) statements.insertFact.run(...factValues(orgId, fact, before));
    let { pageState } = changes;
    if (pageState.pageVars) {
      pageState = { ...pageState, pageVars: pageVarsWithin(parseJson(stored.page_vars ?? '{}'), pageState.pageVars) };
    }
    statements.setPageState.run(pageStateParams(orgId, pageId, pageState));
    for (const [identifiedUser, appKey] of changes.identities) {
      statements.ensureUser.run(orgId, identifiedUser, firstSeen);
      statements.setAppKey.run(appKey, orgId, identifiedUser);
    }
    if (userVars) {
      const vars = mergeUserVars(parseJson((statements.selectUserVars.get(orgId, userId) as Row).vars), userVars.vars);
      statements.setUserVars.run(userVars.email ?? null, userVars.displayName ?? null, JSON.stringify(vars), orgId, userId);
    }
    statements.upsertSession.run({
      orgId, userId, sessionId, start: firstSeen, last: changes.lastSeen, pages: newPage ? 1 : 0, bytes: events.chars, ...changes.session,
    });
    return { duplicate: false };
  };
}
