import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors.js';

/**
 * Wrong coupon codes entered at the counter, counted per staff member (or API key) and per
 * client IP, so nobody can walk the code space from a till. Right codes are not counted.
 * Counters live in this process, like the sign-in limiter (docs/deploy.md).
 */
export class CounterLimiter {
  readonly #perActor: RateLimiterMemory;
  readonly #perIp: RateLimiterMemory;

  constructor(config: Pick<Config, 'counterFailuresPerStaff' | 'counterFailuresPerIp' | 'counterWindowMinutes'>) {
    const duration = config.counterWindowMinutes * 60;
    this.#perActor = new RateLimiterMemory({ keyPrefix: 'counter-actor', points: config.counterFailuresPerStaff, duration });
    this.#perIp = new RateLimiterMemory({ keyPrefix: 'counter-ip', points: config.counterFailuresPerIp, duration });
  }

  /** Throws `too_many_wrong_codes` (with Retry-After) while either counter is used up. */
  async assertAllowed(actor: string, ip: string): Promise<void> {
    const [byActor, byIp] = await Promise.all([this.#perActor.get(actor), this.#perIp.get(ip)]);
    const waits = [
      [byActor, this.#perActor.points],
      [byIp, this.#perIp.points],
    ].flatMap(([res, points]) => (res instanceof RateLimiterRes && res.msBeforeNext > 0 && res.consumedPoints >= (points as number) ? [res.msBeforeNext] : []));
    if (waits.length === 0) return;
    throw new AppError('too_many_wrong_codes', undefined, undefined, { 'retry-after': String(Math.max(1, Math.ceil(Math.max(...waits) / 1000))) });
  }

  async recordFailure(actor: string, ip: string): Promise<void> {
    await Promise.all([this.#perActor.consume(actor).catch(() => undefined), this.#perIp.consume(ip).catch(() => undefined)]);
  }
}

/** Who is at the till: a staff member, or the API key of a till. */
export function actorOf(principal: Principal): string {
  return principal.staffId ? `staff:${principal.staffId}` : `key:${principal.keyId ?? 'unknown'}`;
}
