import { resolve } from 'node:path';

/**
 * Every setting Reservoir reads, in one place. Each variable is parsed and checked once at
 * start-up; a wrong value stops start-up with a message that names the variable. The README's
 * configuration table is checked against this list by a test.
 */
interface Variable<T> {
  env: string;
  description: string;
  /** The raw default, as a user would write it; `undefined` means "not set". */
  default: string | undefined;
  secret?: boolean;
  parse: (raw: string) => T;
}

function integer(min: number, max: number) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be a whole number from ${min} to ${max}`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

function boolean(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw new Error('must be true or false');
}

function oneOf<T extends string>(...values: T[]) {
  return (raw: string): T => {
    if ((values as string[]).includes(raw)) return raw as T;
    throw new Error(`must be one of ${values.join(', ')}`);
  };
}

function text(raw: string): string {
  return raw;
}

/** An HTTP header name, lower-cased as Node presents request headers; empty means "not set". */
function headerName(raw: string): string {
  const name = raw.trim().toLowerCase();
  if (name !== '' && !/^[a-z0-9-]+$/.test(name)) throw new Error('must be an HTTP header name (letters, digits and dashes)');
  return name;
}

/** A comma-separated list of lower-case names (`a-z`, digits, `_`), without repeats; empty means none. */
function nameList(raw: string): string[] {
  const names = raw.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const bad = names.find((n) => !/^[a-z][a-z0-9_]{1,39}$/.test(n));
  if (bad !== undefined) throw new Error(`"${bad}" is not a name: use 2 to 40 lower-case letters, digits or _, starting with a letter`);
  return [...new Set(names)];
}

function optionalUrl(protocols: string[]) {
  return (raw: string): string | undefined => {
    if (raw === '') return undefined;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error('must be a URL');
    }
    if (!protocols.includes(url.protocol)) throw new Error(`must start with ${protocols.join(' or ')}`);
    return raw.replace(/\/+$/, '');
  };
}

export const variables = {
  port: { env: 'PORT', description: 'TCP port the HTTP server listens on.', default: '3000', parse: integer(0, 65535) },
  host: {
    env: 'HOST',
    description: 'Interface to listen on. Use `0.0.0.0` to accept connections from other machines.',
    default: 'localhost',
    parse: text,
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    description: 'The address customers and staff use to reach this server (short links and QR codes point here). Defaults to `http://localhost:PORT`.',
    default: '',
    parse: optionalUrl(['http:', 'https:']),
  },
  dataDir: {
    env: 'RESERVOIR_DATA_DIR',
    description: 'Folder of the embedded database (PGlite), used when `DATABASE_URL` is not set. `memory://` keeps it in memory only.',
    default: './data',
    parse: (raw: string) => (raw.startsWith('memory://') ? raw : resolve(raw)),
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    description: 'PostgreSQL connection URL (`postgres://user:pass@host:5432/db`). When set, Reservoir uses PostgreSQL instead of the embedded database.',
    default: '',
    secret: true,
    parse: optionalUrl(['postgres:', 'postgresql:']),
  },
  databasePoolSize: {
    env: 'DATABASE_POOL_SIZE',
    description: 'Connections each process keeps open to PostgreSQL.',
    default: '10',
    parse: integer(1, 500),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    description: 'Log detail: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    description: 'Set to true behind a reverse proxy that terminates TLS, so client addresses and `https` are read from `X-Forwarded-*` headers.',
    default: 'false',
    parse: boolean,
  },
  bodyLimitBytes: {
    env: 'BODY_LIMIT_BYTES',
    description: 'Largest request body the management API accepts, in bytes. Larger bodies get `payload_too_large`.',
    default: '1048576',
    parse: integer(1024, 64 * 1024 * 1024),
  },
  sessionTtlHours: {
    env: 'SESSION_TTL_HOURS',
    description: 'How long a staff sign-in lasts before the person must sign in again.',
    default: '168',
    parse: integer(1, 24 * 365),
  },
  signinFailuresPerAccount: {
    env: 'SIGNIN_FAILURES_PER_ACCOUNT',
    description: 'Failed sign-ins allowed for one email address per window before it is locked for the rest of the window.',
    default: '5',
    parse: integer(1, 1000),
  },
  signinFailuresPerIp: {
    env: 'SIGNIN_FAILURES_PER_IP',
    description: 'Failed sign-ins allowed from one IP address per window.',
    default: '20',
    parse: integer(1, 100000),
  },
  benchRoutes: {
    env: 'BENCH_ROUTES',
    description: 'Adds `/bench/noop-redirect`, the baseline of the redirect benchmark. Leave off in production.',
    default: 'false',
    parse: boolean,
  },
  signinWindowMinutes: {
    env: 'SIGNIN_WINDOW_MINUTES',
    description: 'Length of the sign-in failure window, in minutes.',
    default: '15',
    parse: integer(1, 24 * 60),
  },
  publishableKeyCacheSeconds: {
    env: 'PUBLISHABLE_KEY_CACHE_SECONDS',
    description: 'How long each process trusts a publishable (write-only) key it has verified before checking it again; a key revoked through another process still sends events for up to this long. 0: check every request.',
    default: '10',
    parse: integer(0, 300),
  },
  // taps
  linkCacheSeconds: {
    env: 'LINK_CACHE_SECONDS',
    description: 'How long each process remembers a short link before reading it again. A change made through another process reaches this one within this time.',
    default: '10',
    parse: integer(1, 300),
  },
  clickFlushMs: {
    env: 'CLICK_FLUSH_MS',
    description: 'Clicks are kept in memory and written in batches at this interval (milliseconds); a crash loses at most this much.',
    default: '250',
    parse: integer(10, 1000),
  },
  clickBufferLimit: {
    env: 'CLICK_BUFFER_LIMIT',
    description: 'Most clicks held in memory while the database cannot take them; past it the oldest are dropped with a warning.',
    default: '100000',
    parse: integer(1000, 10_000_000),
  },
  geoCountryHeader: {
    env: 'GEO_COUNTRY_HEADER',
    description: 'Request header, set by a proxy you trust, that carries the two-letter country of the visitor (e.g. `CF-IPCountry`). Empty: country unknown.',
    default: '',
    parse: headerName,
  },
  geoRegionHeader: {
    env: 'GEO_REGION_HEADER',
    description: 'Request header, set by a proxy you trust, that carries the region (province, state) of the visitor. Empty: region unknown.',
    default: '',
    parse: headerName,
  },
  // answers
  analyticsRefreshSeconds: {
    env: 'ANALYTICS_REFRESH_SECONDS',
    description: 'How often `serve` brings the answer rollups up to date in the background (seconds; 0: only when a question is asked).',
    default: '60',
    parse: integer(0, 86_400),
  },
  statisticsCheckSeconds: {
    env: 'STATISTICS_CHECK_SECONDS',
    description:
      'How often `serve` looks for tables that grew by a fifth since their last `ANALYZE` and analyses them, and for tables whose dead rows pile up and vacuums them (seconds; 0: never). Only on PGlite and on a PostgreSQL server whose autovacuum is off.',
    default: '60',
    parse: integer(0, 86_400),
  },
  // orders
  extraPaymentMethods: {
    env: 'EXTRA_PAYMENT_METHODS',
    description:
      'Payment methods your tills use beyond the built-in ones (cash, bank_card, alipay, wechat_pay, unionpay, stored_value, other), comma-separated, e.g. `meituan_pay,douyin_pay`.',
    default: '',
    parse: nameList,
  },
  // offers, one-time codes, the counter
  messageProvider: {
    env: 'MESSAGE_PROVIDER',
    description:
      'How one-time codes reach customers: `dev` writes them to the log and to `/api/dev/messages` (nothing is sent; for trying things out), `http` posts them to `MESSAGE_HTTP_URL` (your SMS gateway).',
    default: 'dev',
    parse: oneOf('dev', 'http'),
  },
  messageHttpUrl: {
    env: 'MESSAGE_HTTP_URL',
    description: 'Where the `http` message provider posts each message as JSON (required with `MESSAGE_PROVIDER=http`).',
    default: '',
    parse: optionalUrl(['http:', 'https:']),
  },
  messageHttpToken: {
    env: 'MESSAGE_HTTP_TOKEN',
    description: 'Sent as `Authorization: Bearer …` with every message the `http` provider posts. Empty: no header.',
    default: '',
    secret: true,
    parse: text,
  },
  messageHttpTimeoutMs: {
    env: 'MESSAGE_HTTP_TIMEOUT_MS',
    description: 'How long the `http` provider waits for the gateway before the customer is told the code could not be sent (milliseconds).',
    default: '5000',
    parse: integer(100, 60_000),
  },
  otpTtlSeconds: {
    env: 'OTP_TTL_SECONDS',
    description: 'How long a one-time code sent to a phone stays usable.',
    default: '300',
    parse: integer(30, 3600),
  },
  otpMaxAttempts: {
    env: 'OTP_MAX_ATTEMPTS',
    description: 'Wrong tries allowed on one code; after that the customer must ask for a new one.',
    default: '5',
    parse: integer(1, 20),
  },
  otpSendsPerPhone: {
    env: 'OTP_SENDS_PER_PHONE',
    description: 'Codes sent to one phone number per hour (and never two within a minute).',
    default: '5',
    parse: integer(1, 100),
  },
  otpSendsPerIp: {
    env: 'OTP_SENDS_PER_IP',
    description: 'Codes requested from one IP address per hour.',
    default: '20',
    parse: integer(1, 100_000),
  },
  verifiedPhoneMinutes: {
    env: 'VERIFIED_PHONE_MINUTES',
    description: "How long a customer's verified phone stays verified on their device (to claim more offers and see their coupons without a new code).",
    default: '30',
    parse: integer(1, 24 * 60),
  },
  redemptionUndoMinutes: {
    env: 'REDEMPTION_UNDO_MINUTES',
    description: 'How long after a redemption the same store can undo it.',
    default: '10',
    parse: integer(0, 24 * 60),
  },
  counterFailuresPerStaff: {
    env: 'COUNTER_FAILURES_PER_STAFF',
    description: 'Wrong coupon codes one staff member or API key may enter per window before the counter locks them out for the rest of it.',
    default: '20',
    parse: integer(1, 10_000),
  },
  counterFailuresPerIp: {
    env: 'COUNTER_FAILURES_PER_IP',
    description: 'Wrong coupon codes allowed from one IP address per window.',
    default: '60',
    parse: integer(1, 100_000),
  },
  counterWindowMinutes: {
    env: 'COUNTER_WINDOW_MINUTES',
    description: 'Length of the wrong-code window at the counter, in minutes.',
    default: '10',
    parse: integer(1, 24 * 60),
  },
} satisfies Record<string, Variable<unknown>>;

type Variables = typeof variables;
export type Config = Readonly<{ [K in keyof Variables]: ReturnType<Variables[K]['parse']> }> & {
  readonly publicUrl: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: { env: string; problem: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.env}: ${p.problem}`).join('\n') +
        '\nFix the variable(s) above and start again.',
    );
    this.name = 'ConfigError';
  }
}

/** Reads, checks and freezes the configuration. Throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: { env: string; problem: string }[] = [];
  for (const [key, variable] of Object.entries(variables) as [string, Variable<unknown>][]) {
    const raw = env[variable.env] ?? variable.default;
    if (raw === undefined) continue;
    try {
      out[key] = variable.parse(raw);
    } catch (error) {
      const shown = variable.secret ? '' : ` (got ${JSON.stringify(raw)})`;
      problems.push({ env: variable.env, problem: `${(error as Error).message}${shown}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  out.publicUrl ??= `http://localhost:${out.port as number}`;
  return Object.freeze(out) as Config;
}

/** The configuration table as Markdown (README and `reservoir config`). */
export function configTable(): string {
  const rows = Object.values(variables).map((v: Variable<unknown>) => {
    const def = v.default === undefined || v.default === '' ? '—' : `\`${v.default}\``;
    return `| \`${v.env}\` | ${def} | ${v.secret ? 'yes' : 'no'} | ${v.description} |`;
  });
  return ['| variable | default | secret | what it does |', '|---|---|---|---|', ...rows].join('\n');
}
