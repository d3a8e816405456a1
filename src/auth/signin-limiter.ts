import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors.js';

/**
 * Failed sign-ins are counted per email address and per client IP; either one over its limit
 * locks sign-in for the rest of the window. Counters live in this process: with several
 * processes behind a balancer each keeps its own (docs/deploy.md).
 */
export class SigninLimiter {
  readonly #perAccount: RateLimiterMemory;
  readonly #perIp: RateLimiterMemory;

  constructor(config: Pick<Config, 'signinFailuresPerAccount' | 'signinFailuresPerIp' | 'signinWindowMinutes'>) {
    const duration = config.signinWindowMinutes * 60;
    this.#perAccount = new RateLimiterMemory({ keyPrefix: 'acct', points: config.signinFailuresPerAccount, duration });
    this.#perIp = new RateLimiterMemory({ keyPrefix: 'ip', points: config.signinFailuresPerIp, duration });
  }

  /** Throws `too_many_signin_attempts` when either counter is used up. */
  async assertAllowed(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([this.#perAccount.get(email), this.#perIp.get(ip)]);
    const blocked = [
      [account, this.#perAccount.points],
      [address, this.#perIp.points],
    ].filter(([res, points]) => res instanceof RateLimiterRes && res.consumedPoints >= (points as number)) as [RateLimiterRes, number][];
    if (blocked.length === 0) return;
    const waitMs = Math.max(...blocked.map(([res]) => res.msBeforeNext));
    throw new AppError('too_many_signin_attempts', undefined, undefined, { 'retry-after': String(Math.ceil(waitMs / 1000)) });
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([this.#perAccount.consume(email).catch(() => undefined), this.#perIp.consume(ip).catch(() => undefined)]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.#perAccount.delete(email);
  }
}
