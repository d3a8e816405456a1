import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.js';

/** Server error codes said in the reader's language; any other code shows the server's own message. */
const TRANSLATED = [
  'invalid_credentials',
  'too_many_signin_attempts',
  'validation_failed',
  'session_expired',
  'unauthenticated',
  'setup_already_done',
  'forbidden',
  'rate_limited',
  'network_error',
  'not_found',
  'conflict',
  'slug_taken',
  'channel_name_taken',
  'email_taken',
  'invalid_state_transition',
  'offer_ended',
  'refund_exceeds_remaining',
  'order_voided',
  'order_not_voidable',
  'last_owner',
  'invalid_reference',
  'invalid_id',
  'analytics_filter_not_supported',
] as const;
type Translated = (typeof TRANSLATED)[number];
const SERVER_TROUBLE = new Set(['internal_error', 'database_unavailable', 'retry_later']);

function isTranslated(code: string): code is Translated {
  return (TRANSLATED as readonly string[]).includes(code);
}

interface Props {
  error: unknown;
  /** Words that fit this form better than the general ones, by error code. */
  overrides?: Record<string, string>;
  /** Field labels by body field name, to say which field a validation detail is about. */
  fields?: Record<string, string>;
}

export function ErrorMessage({ error, overrides = {}, fields = {} }: Props) {
  const { t } = useTranslation();
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const code = api?.code ?? '';
  const message =
    overrides[code] ??
    (isTranslated(code)
      ? t(`errors.${code}`)
      : SERVER_TROUBLE.has(code)
        ? t('errors.server')
        : t('errors.generic', { message: error instanceof Error ? error.message : String(error) }));
  return (
    <div className="message error" role="alert">
      <p>{message}</p>
      {api && api.details.length > 0 && (
        <ul>
          {api.details.map((detail) => {
            const field = detail.path.split('/').pop() ?? '';
            return (
              <li key={`${detail.path} ${detail.problem}`}>
                <strong>{fields[field] ?? detail.path}</strong> {detail.problem}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
