import { expect, test } from 'vitest';
import { anonymizeIp, individualId, parseAgent } from '../src/enrich';

test.each([
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome', '120.0.0.0', 'Desktop', 'Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0', 'Microsoft Edge', '120.0.0.0', 'Desktop', 'Windows'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox', '121.0', 'Desktop', 'OS X'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', 'Safari', '17.1', 'Mobile', 'iOS'],
  ['Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', 'Safari', '17.0', 'Tablet', 'iOS'],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36', 'Chrome', '120.0.0.0', 'Mobile', 'Android'],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome', '120.0.0.0', 'Desktop', 'Chrome OS'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0', 'Opera', '106.0.0.0', 'Desktop', 'Linux'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36', 'Yandex', '24.1.0.0', 'Desktop', 'Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko', 'Internet Explorer', '11.0', 'Desktop', 'Windows'],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'Robot', '', 'Robot', 'Robot'],
  ['', 'Unknown', '', 'Unknown', 'Unknown'],
])('%s', (userAgent, browser, version, device, os) => {
  expect(parseAgent(userAgent)).toEqual({ PageBrowser: browser, PageBrowserVersion: version, PageDevice: device, PageOperatingSystem: os });
});

test('IP addresses are anonymized: IPv4 last octet zeroed, IPv6 cut to /48', () => {
  expect(anonymizeIp('203.0.113.77')).toBe('203.0.113.0');
  expect(anonymizeIp('::ffff:198.51.100.9')).toBe('198.51.100.0');
  expect(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
  expect(anonymizeIp('2001:db8::1')).toBe('2001:db8:0::');
  expect(anonymizeIp('fe80::1%eth0')).toBe('fe80:0:0::');
  expect(anonymizeIp('not an ip')).toBe('');
  expect(anonymizeIp(undefined)).toBe('');
});

test('IndvId is shared by all users with one UserAppKey within an org', () => {
  expect(individualId('o-a', 'u-1', 'k-9')).toBe(individualId('o-a', 'u-2', 'k-9'));
  expect(individualId('o-a', 'u-1', 'k-9')).not.toBe(individualId('o-b', 'u-1', 'k-9'));
  expect(individualId('o-a', 'u-1', null)).not.toBe(individualId('o-a', 'u-2', null));
});
