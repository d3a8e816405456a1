import type { FastifyBaseLogger } from 'fastify';
import { maskPhone } from '../platform/log.js';
import type { MessageProvider, OutgoingMessage } from './provider.js';

export interface DevMessage {
  id: string;
  /** Masked: the page is for trying things out, not a directory of customers' numbers. */
  to: string;
  purpose: string;
  text: string;
  sentAt: string;
}

/** How many messages each process keeps for the dev page, across merchants. */
const KEEP = 200;

/**
 * The development provider sends nothing: it writes each message to the log (phone masked)
 * and keeps the latest ones in memory, so the person trying Reservoir out can read the code
 * from the log or from /api/dev/messages.
 */
export class DevMessageProvider implements MessageProvider {
  readonly kind = 'dev' as const;
  readonly #recent: (DevMessage & { merchantId: string })[] = [];

  constructor(private readonly log: Pick<FastifyBaseLogger, 'info'>) {}

  async send(message: OutgoingMessage): Promise<void> {
    const entry = { id: message.messageId, merchantId: message.merchantId, to: maskPhone(message.to), purpose: message.purpose, text: message.text, sentAt: new Date().toISOString() };
    this.log.info({ messageId: entry.id, to: entry.to, text: entry.text }, 'dev message provider: not sent, shown here instead');
    this.#recent.push(entry);
    if (this.#recent.length > KEEP) this.#recent.splice(0, this.#recent.length - KEEP);
  }

  /** The merchant's latest messages, newest first. */
  recent(merchantId: string, limit = 50): DevMessage[] {
    return this.#recent
      .filter((m) => m.merchantId === merchantId)
      .slice(-limit)
      .reverse()
      .map(({ merchantId: _merchant, ...message }) => message);
  }
}
