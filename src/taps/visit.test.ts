import { describe, expect, it } from 'vitest';
import { classifyUserAgent, cleanReferrer, geoOf, hashIp, isPrefetch } from './visit.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const SAFARI_IOS = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const WECHAT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.38(0x18002629) NetType/WIFI Language/zh_CN';

describe('classifyUserAgent', () => {
  it.each([
    [CHROME, 'Chrome'],
    [SAFARI_IOS, 'Safari'],
    [WECHAT, 'WeChat'],
  ])('a person’s browser is counted with its family', (ua, family) => {
    expect(classifyUserAgent(ua)).toEqual({ bot: false, family });
  });

  it.each([
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    'WhatsApp/2.23.20.0 A',
    'TelegramBot (like TwitterBot)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'curl/8.4.0',
    '',
    undefined,
  ])('%j is a bot', (ua) => {
    expect(classifyUserAgent(ua).bot).toBe(true);
  });
});

describe('isPrefetch', () => {
  it.each([
    [{ 'sec-purpose': 'prefetch' }, true],
    [{ 'sec-purpose': 'prefetch;prerender' }, true],
    [{ purpose: 'prefetch' }, true],
    [{ 'x-moz': 'prefetch' }, true],
    [{ 'x-purpose': 'preview' }, true],
    [{}, false],
    [{ 'sec-fetch-mode': 'navigate' }, false],
  ])('%j → %s', (headers, expected) => {
    expect(isPrefetch(headers)).toBe(expected);
  });
});

describe('hashIp', () => {
  it('is stable per salt, differs across salts, and never contains the address', () => {
    const a = hashIp('salt-a', '203.0.113.7');
    expect(a).toBe(hashIp('salt-a', '203.0.113.7'));
    expect(a).not.toBe(hashIp('salt-b', '203.0.113.7'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toContain('203.0.113.7');
  });
});

describe('cleanReferrer', () => {
  it.each([
    ['https://www.xiaohongshu.com/explore/123?xsec_token=abc#top', 'https://www.xiaohongshu.com/explore/123'],
    ['  http://forum.example.com/t/9  ', 'http://forum.example.com/t/9'],
    ['android-app://com.tencent.mm/', null],
    ['not a url', null],
    [undefined, null],
  ])('%j → %j', (raw, expected) => {
    expect(cleanReferrer(raw)).toBe(expected);
  });
  it('is capped in length', () => {
    expect(cleanReferrer(`https://example.com/${'a'.repeat(2000)}`)?.length).toBe(500);
  });
});

describe('geoOf', () => {
  const names = { countryHeader: 'cf-ipcountry', regionHeader: 'x-region' };
  it('reads the configured headers only', () => {
    expect(geoOf({ 'cf-ipcountry': 'cn', 'x-region': 'Shanghai' }, names)).toEqual({ country: 'CN', region: 'Shanghai' });
    expect(geoOf({ 'cf-ipcountry': 'CN' }, { countryHeader: '', regionHeader: '' })).toEqual({ country: null, region: null });
  });
  it.each(['XX', 'T1', 'China', ''])('treats country %j as unknown', (value) => {
    expect(geoOf({ 'cf-ipcountry': value }, names).country).toBeNull();
  });
});
