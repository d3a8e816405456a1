import { describe, expect, it } from 'vitest';
import { maskPhone } from './log.js';

describe('maskPhone', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+8613812345678', '+86138****5678'],
    ['+14155550123', '+141****0123'],
    ['555-0123', '****0123'],
    ['12345', '*****'],
  ])('%s → %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });
});
