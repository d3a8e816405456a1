import { Type } from 'typebox';
import { MANAGERS, principalOf } from '../auth/principal.js';
import type { App } from '../platform/http.js';
import { withErrors } from '../platform/schemas.js';
import { DevMessageProvider } from './dev-provider.js';
import type { MessageProvider } from './provider.js';

const DevMessageList = Type.Object({
  data: Type.Array(Type.Object({ id: Type.String(), to: Type.String({ description: 'Masked.' }), purpose: Type.String(), text: Type.String(), sentAt: Type.String() })),
});

/**
 * `/api/dev/messages`: what the development provider would have sent, newest first, for the
 * signed-in owner or manager's merchant. The route exists only while MESSAGE_PROVIDER=dev.
 */
export function devMessageRoutes(app: App, provider: MessageProvider): void {
  if (!(provider instanceof DevMessageProvider)) return;
  app.get(
    '/api/dev/messages',
    { config: { auth: MANAGERS }, schema: { tags: ['Development'], summary: 'Messages the dev provider did not send (MESSAGE_PROVIDER=dev only)', response: withErrors({ 200: DevMessageList }) } },
    async (request) => ({ data: provider.recent(principalOf(request).merchantId) }),
  );
}
