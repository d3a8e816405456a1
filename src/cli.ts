import { input, password as promptPassword } from '@inquirer/prompts';
import { Presets, SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { buildApp } from './app.js';
import { describeDemo, runDemo } from './demo/run.js';
import type { SizeName } from './demo/simulate.js';
import { createKey } from './keys/service.js';
import { CreateMerchantBody } from './merchants/schemas.js';
import { createMerchantWithOwner, isSetupNeeded } from './merchants/service.js';
import { ConfigError, configTable, loadConfig, type Config } from './platform/config.js';
import { inDirectory, migrate, openDatabase, roleWarnings } from './platform/db.js';
import { AppError } from './platform/errors.js';
import { checkBody } from './platform/http.js';
import { isId } from './platform/ids.js';

const program = new Command('reservoir')
  .description('Reservoir: the O2O system a brick-and-mortar business owns.\nConfiguration comes from environment variables; `reservoir config` lists them.')
  .showHelpAfterError();

function config(): Config {
  return loadConfig(process.env);
}

program
  .command('serve')
  .description('Run migrations and start the HTTP server (web pages, API, docs at /docs).')
  .action(async () => {
    const cfg = config();
    const { app, database } = await buildApp(cfg);
    for (const warning of await roleWarnings(database)) app.log.warn(warning);
    await app.listen({ port: cfg.port, host: cfg.host });
    const url = cfg.publicUrl;
    const where = database.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${database.location}` : `PostgreSQL at ${database.location}`;
    const lines = [`Reservoir is running at ${url}`, `  database: ${where}`, `  API reference: ${url}/docs`];
    if (await isSetupNeeded(database.db)) {
      lines.push('', 'First run: no merchant yet. Open', `  ${url}/setup`, 'to create your merchant and owner account, or run `npx reservoir create-merchant`.');
    }
    process.stdout.write(`\n${lines.join('\n')}\n\n`);
    const stop = async () => {
      await app.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('Bring the database schema up to date, then exit.')
  .action(async () => {
    const database = await openDatabase(config());
    try {
      const applied = await migrate(database.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The schema is up to date.');
    } finally {
      await database.close();
    }
  });

program
  .command('create-merchant')
  .description('Create a merchant and its owner account. Asks for what is missing when run in a terminal.')
  .option('--name <name>', 'merchant (business) name')
  .option('--owner-name <name>', "owner's name")
  .option('--owner-email <email>', "owner's email address (their sign-in)")
  .option('--owner-password <password>', "owner's password, at least 10 characters (or set RESERVOIR_OWNER_PASSWORD)")
  .option('--timezone <tz>', 'IANA time zone', 'Asia/Shanghai')
  .option('--region <CC>', 'default phone region (ISO 3166)', 'CN')
  .option('--currency <CUR>', 'currency (ISO 4217)', 'CNY')
  .action(async (opts: Record<string, string | undefined>) => {
    const cfg = config();
    const interactive = process.stdin.isTTY === true;
    const ask = async (value: string | undefined, flag: string, message: string, secret = false) => {
      if (value) return value;
      if (!interactive) throw new UsageError(`Missing ${flag} (no terminal to ask in).`);
      return secret ? promptPassword({ message, mask: '*' }) : input({ message });
    };
    const body = {
      merchantName: await ask(opts.name, '--name', 'Merchant (business) name:'),
      ownerName: await ask(opts.ownerName, '--owner-name', "Owner's name:"),
      ownerEmail: await ask(opts.ownerEmail, '--owner-email', "Owner's email (used to sign in):"),
      ownerPassword: await ask(opts.ownerPassword ?? process.env.RESERVOIR_OWNER_PASSWORD, '--owner-password', 'Password (10+ characters):', true),
      timezone: opts.timezone,
      defaultRegion: opts.region,
      currency: opts.currency,
    };
    const problems = checkBody(CreateMerchantBody, body);
    if (problems.length) throw new UsageError(problems.map((p) => `${p.path.replace('/input/', '')}: ${p.problem}`).join('\n'));
    const database = await openDatabase(cfg);
    try {
      await migrate(database.db);
      const { merchant, owner } = await createMerchantWithOwner(database.db, body);
      console.log(`Created merchant ${merchant.name} (${merchant.id}) with owner ${owner.email}.`);
      console.log(`Sign in at ${cfg.publicUrl}/signin`);
    } finally {
      await database.close();
    }
  });

program
  .command('create-key')
  .description('Create an API key and print it (it is shown only once).')
  .addOption(new Option('--kind <kind>', 'publishable (pk_, events only) or secret (sk_, server API)').choices(['publishable', 'secret']).default('secret'))
  .option('--name <name>', 'what the key is for', 'CLI key')
  .addOption(new Option('--role <role>', 'role of a secret key').choices(['owner', 'manager', 'clerk']))
  .option('--store <storeId...>', 'stores of a clerk key')
  .option('--merchant <merchantId>', 'merchant id (needed only when there is more than one merchant)')
  .action(async (opts: { kind: 'publishable' | 'secret'; name: string; role?: 'owner' | 'manager' | 'clerk'; store?: string[]; merchant?: string }) => {
    const database = await openDatabase(config());
    try {
      await migrate(database.db);
      const merchantId = opts.merchant ?? (await onlyMerchant(database.db));
      if (!isId('merchant', merchantId)) throw new UsageError(`--merchant: ${merchantId} is not a merchant id (mer_…).`);
      const { key, token } = await createKey(database.db, merchantId, null, {
        kind: opts.kind,
        name: opts.name,
        ...(opts.role ? { role: opts.role } : {}),
        ...(opts.store ? { storeIds: opts.store } : {}),
      });
      console.log(`Created ${key.kind} key ${key.id}${key.role ? ` (role ${key.role})` : ''}. It is shown this once:\n\n  ${token}\n`);
    } finally {
      await database.close();
    }
  });

program
  .command('demo')
  .description('Load a demo merchant: a six-store bakery chain in Shanghai with a year of taps, coupons, visits and sales. Running it again changes nothing.')
  .addOption(new Option('--size <size>', 'small: a few thousand members, under a minute; large: the benchmark dataset (1 million members, 10 million events)').choices(['tiny', 'small', 'medium', 'large']).default('small'))
  .option('--merchant <name>', 'merchant name (another name makes another demo merchant)')
  .action(async (opts: { size: SizeName; merchant?: string }) => {
    const cfg = config();
    const database = await openDatabase(cfg);
    const bar = new SingleBar(
      { stream: process.stderr, format: 'demo {bar} {percentage}% | {date} | {orders} orders, {claims} coupons, {events} events | {duration_formatted}', hideCursor: true },
      Presets.shades_classic,
    );
    try {
      await migrate(database.db);
      const result = await runDemo(database.db, {
        size: opts.size,
        ...(opts.merchant ? { merchantName: opts.merchant } : {}),
        publicUrl: cfg.publicUrl,
        concurrency: database.kind === 'pglite' ? 1 : 3,
        databaseKind: database.kind,
        onStart: (days) => bar.start(days, 0, { date: '', orders: 0, claims: 0, events: 0 }),
        onDay: (day, date, counts) => bar.update(day + 1, { date, orders: counts.orders, claims: counts.claims, events: counts.events }),
      });
      bar.stop();
      console.log(describeDemo(result, cfg.publicUrl));
    } finally {
      bar.stop();
      await database.close();
    }
  });

program
  .command('config')
  .description('List the configuration variables (Markdown table).')
  .action(() => console.log(configTable()));

async function onlyMerchant(db: Parameters<typeof inDirectory>[0]): Promise<string> {
  const rows = await inDirectory(db, (tx) => tx.selectFrom('logins').select('merchant_id').distinct().limit(2).execute());
  if (rows.length === 0) throw new UsageError('No merchant yet: run `reservoir create-merchant` first.');
  if (rows.length > 1) throw new UsageError('There is more than one merchant: name one with --merchant mer_….');
  return rows[0]!.merchant_id;
}

class UsageError extends Error {}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof UsageError) {
    console.error(error.message);
  } else if (error instanceof AppError) {
    console.error(`${error.code}: ${error.message}${error.details ? `\n${error.details.map((d) => `  ${d.path}: ${d.problem}`).join('\n')}` : ''}`);
  } else {
    console.error(error);
  }
  process.exit(1);
}
