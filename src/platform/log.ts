/**
 * What the logs must never show. Fastify's request serializer logs method, url and addresses
 * only; bodies are never logged. These paths cover headers and fields that could still reach
 * a log line through an error object or our own log calls.
 */
export const logRedactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.ownerPassword',
  'token',
  '*.token',
  'phone',
  '*.phone',
];

/** `+8613812345678` → `+86138****5678`; the last four digits
 * and the first three of the national number stay; shorter numbers keep only the last four. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  const plus = phone.trim().startsWith('+') ? '+' : '';
  const keepStart = Math.max(0, digits.length - 8);
  return `${plus}${digits.slice(0, keepStart)}****${digits.slice(-4)}`;
}
