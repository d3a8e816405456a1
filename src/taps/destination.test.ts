import { describe, expect, it } from 'vitest';
import { generateSlug, isSlug, normaliseDestination, redirectLocation } from './destination.js';

describe('normaliseDestination', () => {
  it.each([
    ['/o/off_01JD3W6Q0S7RK9V2B8X4M5N6PA', '/o/off_01JD3W6Q0S7RK9V2B8X4M5N6PA'],
    ['/s/sto_01JD3W6Q0S7RK9V2B8X4M5N6PA?from=flyer#map', '/s/sto_01JD3W6Q0S7RK9V2B8X4M5N6PA?from=flyer#map'],
    ['https://shop.example.com/item/42', 'https://shop.example.com/item/42'],
    ['HTTP://Example.COM', 'http://example.com/'],
    ['  https://example.com/a  ', 'https://example.com/a'],
  ])('accepts %s', (input, expected) => {
    expect(normaliseDestination(input)).toBe(expected);
  });

  it.each([
    'javascript:alert(1)',
    'data:text/html,<b>x</b>',
    'ftp://example.com/file',
    'mailto:a@example.com',
    'o/off_123',
    'example.com',
    '//evil.example.com/path',
    '/\\evil.example.com',
    'https://user:pw@example.com/',
    'https://exa mple.com/',
    '/path\r\nSet-Cookie: x=1',
    '',
    'https://',
  ])('rejects %j', (input) => {
    expect(normaliseDestination(input)).toBeNull();
  });
});

describe('redirectLocation', () => {
  const publicUrl = 'https://r.example.com';
  it('turns a path into a URL on this server and passes the visitor id', () => {
    expect(redirectLocation('/o/off_1?x=1', publicUrl, 'vis_A')).toBe('https://r.example.com/o/off_1?x=1&vid=vis_A');
  });
  it('passes the visitor id to an absolute URL on this server too', () => {
    expect(redirectLocation('https://r.example.com/s/sto_1', publicUrl, 'vis_A')).toBe('https://r.example.com/s/sto_1?vid=vis_A');
  });
  it('never gives the visitor id to another site', () => {
    expect(redirectLocation('https://shop.example.net/p?q=1', publicUrl, 'vis_A')).toBe('https://shop.example.net/p?q=1');
    expect(redirectLocation('http://r.example.com/', publicUrl, 'vis_A')).toBe('http://r.example.com/');
  });
  it('keeps a fragment last and replaces a vid already in the destination', () => {
    expect(redirectLocation('/o/off_1?vid=old#terms', publicUrl, 'vis_A')).toBe('https://r.example.com/o/off_1?vid=vis_A#terms');
    expect(redirectLocation('/o/off_1#terms', publicUrl, null)).toBe('https://r.example.com/o/off_1#terms');
  });
  it('works with a public URL under a path prefix', () => {
    expect(redirectLocation('/o/off_1', 'https://example.com/reservoir', null)).toBe('https://example.com/reservoir/o/off_1');
  });
});

describe('generateSlug', () => {
  it('makes 8 unambiguous characters, all different across many draws', () => {
    const slugs = Array.from({ length: 10_000 }, generateSlug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) {
      expect(slug).toMatch(/^[2-9a-kmnp-z]{8}$/);
      expect(isSlug(slug)).toBe(true);
    }
  });
  it('uses every character of the alphabet', () => {
    const seen = new Set(Array.from({ length: 2_000 }, generateSlug).join(''));
    expect(seen.size).toBe(32);
  });
});
