import { stringify } from 'csv-stringify/sync';
import type { Answer } from './answers.js';

/**
 * An answer's rows as CSV: UTF-8 with a byte order mark (spreadsheet programs otherwise read
 * Chinese names as mojibake), a header row, one line per row. Arrays (retention by offset)
 * become one column per element: `active0`, `active1`, … and `rates0`, ….
 */
export function answerCsv(answer: Answer): string {
  const rows = answer.rows as Record<string, unknown>[];
  const flat = rows.map(flatten);
  const columns: string[] = [];
  for (const row of flat) for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  if (columns.length === 0) columns.push('key', 'label');
  const body = stringify(
    flat.map((row) => columns.map((c) => row[c] ?? '')),
    { header: true, columns, record_delimiter: '\r\n' },
  );
  return `\uFEFF${body}`;
}

function flatten(row: Record<string, unknown>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(row)) {
    if (Array.isArray(value)) value.forEach((v, i) => (out[`${name}${i}`] = v === null ? '' : (v as number)));
    else out[name] = value === null || value === undefined ? '' : (value as string | number);
  }
  return out;
}

/** `funnel-2026-01-01-2026-01-31.csv` */
export function csvFilename(question: string, from: string, to: string): string {
  return `${question}-${from}-${to}.csv`;
}
