import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors.js';

const HOUR = 3600;
/** Never two codes to one phone within this many seconds: a double tap on "send" costs one SMS. */
export const RESEND_SECONDS = 60;

/**
 * Codes requested per phone (per merchant) and per client IP. Every text costs the merchant
 * money and can be used to pester a stranger, so requests are counted whether or not the code
 * is ever used. Counters live in this process, like the sign-in limiter (docs/deploy.md).
 */
export class OtpLimiter {
  readonly #perPhoneMinute = new RateLimiterMemory({ keyPrefix: 'otp-phone-min', points: 1, duration: RESEND_SECONDS });
  readonly #perPhoneHour: RateLimiterMemory;
  readonly #perIp: RateLimiterMemory;

  constructor(config: Pick<Config, 'otpSendsPerPhone' | 'otpSendsPerIp'>) {
    this.#perPhoneHour = new RateLimiterMemory({ keyPrefix: 'otp-phone', points: config.otpSendsPerPhone, duration: HOUR });
    this.#perIp = new RateLimiterMemory({ keyPrefix: 'otp-ip', points: config.otpSendsPerIp, duration: HOUR });
  }

  /** Counts one request, or throws `otp_rate_limited` (with Retry-After) when any counter is used up. */
  async take(merchantId: string, phone: string, ip: string): Promise<void> {
    const phoneKey = `${merchantId}:${phone}`;
    const counters: [RateLimiterMemory, string][] = [
      [this.#perPhoneMinute, phoneKey],
      [this.#perPhoneHour, phoneKey],
      [this.#perIp, ip],
    ];
    // Look first, then count: a refused request does not use up the other counters.
    const states = await Promise.all(counters.map(([limiter, key]) => limiter.get(key)));
    const waits = states.flatMap((state, i) =>
      // An expired entry may linger until its timer fires: it no longer counts.
      state instanceof RateLimiterRes && state.msBeforeNext > 0 && state.consumedPoints >= counters[i]![0].points ? [state.msBeforeNext] : [],
    );
    if (waits.length > 0) {
      throw new AppError('otp_rate_limited', undefined, undefined, { 'retry-after': String(Math.max(1, Math.ceil(Math.max(...waits) / 1000))) });
    }
    await Promise.all(counters.map(([limiter, key]) => limiter.consume(key).catch(() => undefined)));
  }
}
