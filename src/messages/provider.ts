import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, type Config } from '../platform/config.js';
import { DevMessageProvider } from './dev-provider.js';
import { HttpMessageProvider } from './http-provider.js';

/** A text to one phone. Phones are E.164. */
export interface OutgoingMessage {
  messageId: string;
  merchantId: string;
  to: string;
  purpose: 'otp';
  /** The whole text, ready to send, in the merchant's language. */
  text: string;
  /** The parts of the text, for gateways that fill their own approved templates (most SMS gateways in China do). */
  params: Record<string, string>;
}

/**
 * Where messages go. `send` resolves when the provider has accepted the message and rejects
 * with MessageNotSent when it has not; callers report that to the customer, never swallow it.
 */
export interface MessageProvider {
  readonly kind: 'dev' | 'http';
  send(message: OutgoingMessage): Promise<void>;
}

export class MessageNotSent extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageNotSent';
  }
}

/** The provider the configuration names. A missing gateway URL stops start-up, naming the variable. */
export function createMessageProvider(
  config: Pick<Config, 'messageProvider' | 'messageHttpUrl' | 'messageHttpToken' | 'messageHttpTimeoutMs'>,
  log: FastifyBaseLogger,
): MessageProvider {
  if (config.messageProvider === 'http') {
    if (!config.messageHttpUrl) throw new ConfigError([{ env: 'MESSAGE_HTTP_URL', problem: 'must be set when MESSAGE_PROVIDER=http' }]);
    return new HttpMessageProvider({ url: config.messageHttpUrl, token: config.messageHttpToken, timeoutMs: config.messageHttpTimeoutMs });
  }
  log.warn('MESSAGE_PROVIDER=dev: one-time codes are not sent to phones; they are logged and listed at /api/dev/messages. Set MESSAGE_PROVIDER=http for real customers.');
  return new DevMessageProvider(log);
}
