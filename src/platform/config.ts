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
  signinWindowMinutes: {
    env: 'SIGNIN_WINDOW_MINUTES',
    description: 'Length of the sign-in failure window, in minutes.',
    default: '15',
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
