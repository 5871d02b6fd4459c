import { expect, test } from 'vitest';
import { maskSecrets } from '../../src/page/mask-secrets';

const stars = (text: string) => text.replace(/\S/g, '*');

test('card numbers (Luhn-valid, spaced or dashed) and emails are masked; other long numbers stay', () => {
  expect(maskSecrets('paid with 4111 1111 1111 1111 by ann@example.com', stars)).toBe('paid with **** **** **** **** by ***************');
  expect(maskSecrets('card 5555-5555-5555-4444', stars)).toBe('card *******************');
  expect(maskSecrets('at 1764500000000, order 1234567890123', stars)).toBe('at 1764500000000, order 1234567890123');
});
