import { applyTouchesOfLines } from '../members/touches.js';
import { inTenant, type Db } from '../platform/db.js';
import { clickLine, insertClicks, type ClickRow } from './queries.js';

export interface BufferedClick extends ClickRow {
  merchantId: string;
}

/** The two log calls the buffer makes (the app's logger fits). */
export interface ClickLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ClickBufferOptions {
  db: Db;
  log: ClickLog;
  /** Longest a click waits in memory before its batch is written (CLICK_FLUSH_MS). */
  intervalMs: number;
  /** Write at once when this many are waiting, without waiting for the interval. */
  batchSize?: number;
  /** Most clicks kept while writes fail (CLICK_BUFFER_LIMIT); the oldest go first past it. */
  maxBuffered?: number;
  /**
   * Most clicks taken into one flush (default: `batchSize`). It bounds how long one write
   * holds the database, and the per-visitor locks the touch update takes in one transaction
   * (PostgreSQL's lock table is finite). A backlog drains in back-to-back flushes.
   */
  maxPerFlush?: number;
}

const MAX_BACKOFF_MS = 30_000;
const STOP_ATTEMPTS = 3;

/**
 * Keeps the redirect free of database writes: clicks wait here and are written in batches,
 * one set-based insert per merchant per flush, in the same transaction that moves the
 * members' first and last touch. A flush starts at most `intervalMs` after a click arrives
 * (at once when `batchSize` are waiting), so a crash loses at most about one interval of
 * clicks; a clean shutdown (`stop`) loses none. When the database refuses a batch, it is put
 * back and retried with exponential backoff; memory stays bounded by `maxBuffered`.
 */
export class ClickBuffer {
  readonly #db: Db;
  readonly #log: ClickLog;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #maxBuffered: number;
  readonly #maxPerFlush: number;
  // Each waiting click is its merchant and its line (clickLine), at the same index.
  #merchants: string[] = [];
  #lines: string[] = [];
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<boolean> | null = null;
  #failures = 0;
  #dropped = 0;
  #started = false;
  #dueNow = false;

  constructor(options: ClickBufferOptions) {
    this.#db = options.db;
    this.#log = options.log;
    this.#intervalMs = options.intervalMs;
    this.#batchSize = options.batchSize ?? 500;
    this.#maxBuffered = options.maxBuffered ?? 100_000;
    this.#maxPerFlush = options.maxPerFlush ?? this.#batchSize;
  }

  /** Clicks waiting to be written. */
  get size(): number {
    return this.#lines.length;
  }

  start(): void {
    this.#started = true;
    if (this.#lines.length > 0) this.#schedule(this.#intervalMs);
  }

  /** Called on the request path: no I/O, no await. */
  push(click: BufferedClick): void {
    this.#merchants.push(click.merchantId);
    this.#lines.push(clickLine(click));
    this.#enforceCap();
    // A running flush plans the next one when it ends; while backing off, a full buffer
    // must not bring the retry forward (that would hammer a database that is struggling).
    if (!this.#started || this.#running !== null || (this.#failures > 0 && this.#timer !== null)) return;
    if (this.#lines.length >= this.#batchSize) {
      if (!this.#dueNow) this.#schedule(0);
    } else if (this.#timer === null) this.#schedule(this.#intervalMs);
  }

  /**
   * Writes everything waiting now, and resolves once it is stored. Rejects when a batch could
   * not be written (the clicks stay buffered for the next attempt).
   */
  async flush(): Promise<void> {
    while (this.#lines.length > 0 || this.#running) {
      const ok = await this.#runOnce();
      if (!ok) throw new Error(`${this.#lines.length} clicks could not be written yet`);
    }
  }

  /** Stops the timer and writes what is left (app shutdown), trying a few times. */
  async stop(): Promise<void> {
    this.#started = false;
    this.#clearTimer();
    for (let attempt = 1; attempt <= STOP_ATTEMPTS; attempt++) {
      try {
        await this.flush();
        return;
      } catch {
        await sleep(100 * attempt);
      }
    }
    this.#log.error({ lost: this.#lines.length }, 'clicks could not be written at shutdown and are lost');
    this.#merchants = [];
    this.#lines = [];
  }

  #schedule(delayMs: number): void {
    this.#clearTimer();
    this.#dueNow = delayMs === 0;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#dueNow = false;
      void this.#runOnce();
    }, delayMs);
    // A pending flush must not keep a finished process alive; shutdown flushes through stop().
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#dueNow = false;
  }

  /**
   * One flush at a time: a caller arriving during a flush waits for it and gets its outcome.
   * Whoever started it (timer, `flush()`), the next flush is planned here in one place.
   */
  async #runOnce(): Promise<boolean> {
    if (this.#running) return this.#running;
    const written = this.#writeBatch().catch((error: unknown) => {
      this.#log.error({ err: error }, 'click flush failed unexpectedly');
      return false;
    });
    this.#running = written.then((ok) => {
      this.#running = null;
      this.#planNext(ok);
      return ok;
    });
    return this.#running;
  }

  #planNext(lastOk: boolean): void {
    if (!this.#started || this.#lines.length === 0) return;
    if (!lastOk) this.#schedule(Math.min(this.#intervalMs * 2 ** this.#failures, MAX_BACKOFF_MS));
    else this.#schedule(this.#lines.length >= this.#batchSize ? 0 : this.#intervalMs);
  }

  async #writeBatch(): Promise<boolean> {
    const merchants = this.#merchants.splice(0, this.#maxPerFlush);
    const lines = this.#lines.splice(0, this.#maxPerFlush);
    if (lines.length === 0) return true;
    const failed: { merchantId: string; lines: string[] }[] = [];
    let lastError: unknown;
    await Promise.all(
      [...groupByMerchant(merchants, lines)].map(async ([merchantId, group]) => {
        const text = group.join('');
        try {
          await inTenant(this.#db, merchantId, async (tx) => {
            await insertClicks(merchantId, tx, text);
            await applyTouchesOfLines(merchantId, tx, text);
          });
        } catch (error) {
          failed.push({ merchantId, lines: group });
          lastError = error;
        }
      }),
    );
    this.#reportDropped();
    if (failed.length === 0) {
      this.#failures = 0;
      return true;
    }
    // Back at the front, oldest first (a line starts with its click id, which sorts by time),
    // so the order of writes follows the order of clicks.
    const back = failed.flatMap((f) => f.lines.map((line) => ({ merchantId: f.merchantId, line }))).sort((a, b) => (a.line < b.line ? -1 : 1));
    this.#merchants.unshift(...back.map((b) => b.merchantId));
    this.#lines.unshift(...back.map((b) => b.line));
    this.#enforceCap();
    this.#failures++;
    this.#log.warn({ err: lastError, waiting: this.#lines.length, attempt: this.#failures }, 'writing clicks failed; will retry');
    return false;
  }

  #enforceCap(): void {
    const excess = this.#lines.length - this.#maxBuffered;
    if (excess <= 0) return;
    this.#merchants.splice(0, excess);
    this.#lines.splice(0, excess);
    this.#dropped += excess;
  }

  // Logged once per flush rather than per click, so a long outage does not flood the log.
  #reportDropped(): void {
    if (this.#dropped === 0) return;
    this.#log.warn({ dropped: this.#dropped, limit: this.#maxBuffered }, 'click buffer full: oldest clicks dropped (see CLICK_BUFFER_LIMIT)');
    this.#dropped = 0;
  }
}

function groupByMerchant(merchants: string[], lines: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (let i = 0; i < lines.length; i++) {
    const group = groups.get(merchants[i]!);
    if (group) group.push(lines[i]!);
    else groups.set(merchants[i]!, [lines[i]!]);
  }
  return groups;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
