import { factAt, makeBundle, recordingStart, T0 } from './fixtures';
import type { Bundle } from 'openstory/vocabulary';

/**
 * One realistic page view of u-alice in two bundles: load, identify, console output, a rage series
 * on a dead button, a masked change, an SPA navigation, a custom event, an uncaught error, durations.
 */
export function aliceSession(userId = 'u-alice', pageId = 'p-1'): Bundle[] {
  const click = (n: number, at: number) =>
    factAt('click', { EventTargetText: 'Pay now', EventTargetSelectorTok: 'html body button.pay%2Dnow', EventModFrustrated: n, EventModDead: 1, EventModError: 0 }, at);
  return [
    makeBundle({
      userId, pageId,
      events: [
        ...recordingStart(),
        factAt('navigate', { PageUrl: 'https://shop.example/cart', EventSubType: 'load', EventModSuspicious: 0 }, T0 + 12),
        factAt('load', { LoadDomContentTime: 120.4, LoadEventTime: 339.6, LoadFirstPaintTime: 95 }, T0 + 400),
        factAt('identity', { UserAppKey: 'customer-42', UserId: userId }, T0 + 500),
        factAt('userVars', { UserEmail: 'alice@example.com', UserDisplayName: 'Alice', vars: { plan_str: 'pro', seats_int: 3 } }, T0 + 501),
        factAt('console', { PageNumInfos: 2, PageNumWarnings: 1, PageNumErrors: 0 }, T0 + 600),
      ] as any,
    }),
    makeBundle({
      userId, pageId, seq: 1,
      events: [
        click(1, T0 + 1000), click(2, T0 + 1100), click(3, T0 + 1200),
        factAt('console', { PageNumInfos: 2, PageNumWarnings: 1, PageNumErrors: 1 }, T0 + 1300),
        factAt('change', { EventTargetText: '', EventTargetSelectorTok: 'html body input#card', EventModSuspicious: 1 }, T0 + 1400),
        factAt('navigate', { PageUrl: 'https://shop.example/checkout', EventSubType: 'spa', EventModSuspicious: 0 }, T0 + 1500),
        factAt('custom', { EventCustomName: 'Checkout Started', properties: { total_real: 9.5 } }, T0 + 1600),
        factAt('error', { message: 'boom', kind: 'error', EventWebSourceFileUrl: 'https://shop.example/app.js', line: 3, column: 7 }, T0 + 1650),
        factAt('duration', { PageDuration: 5000, PageActiveDuration: 3000, PageMaxScrollDepthPercent: 80 }, T0 + 1700),
      ] as any,
    }),
  ];
}
