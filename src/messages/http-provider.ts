import { MessageNotSent, type MessageProvider, type OutgoingMessage } from './provider.js';

/**
 * The generic gateway: each message is POSTed as JSON to a URL you run or your SMS vendor
 * gives you; any 2xx answer means accepted. The body (docs/offers.md):
 * `{ messageId, merchantId, to, purpose, text, params }`. `messageId` is unique per message,
 * so a gateway can drop a repeat.
 */
export class HttpMessageProvider implements MessageProvider {
  readonly kind = 'http' as const;

  constructor(private readonly options: { url: string; token: string; timeoutMs: number }) {}

  async send(message: OutgoingMessage): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
        body: JSON.stringify(message),
        // A redirect would resend the customer's number somewhere nobody configured.
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : 'gateway unreachable';
      throw new MessageNotSent(`message gateway: ${reason}`, { cause: error });
    }
    // Read the body to the end so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new MessageNotSent(`message gateway answered HTTP ${response.status}`);
  }
}
