import type { ColumnType, Generated } from 'kysely';

/**
 * The tables as Kysely sees them. They mirror the migrations in ./migrations; a change to one
 * is a change to both. Every tenant table carries `merchant_id` and includes it in its keys.
 */

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
type Json<T> = ColumnType<T, string, string>;

export type Role = 'owner' | 'manager' | 'clerk';
export type KeyKind = 'publishable' | 'secret';

/** Opening hours by weekday; each day a list of [open, close] in "HH:MM" (close may pass midnight). */
export type OpeningHours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;

export interface MerchantsTable {
  merchant_id: string;
  name: string;
  timezone: string;
  default_region: string;
  currency: string;
  attribution_window_days: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StoresTable {
  merchant_id: string;
  store_id: string;
  name: string;
  address: string;
  phone: string | null;
  timezone: string;
  opening_hours: Json<OpeningHours>;
  archived_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StaffTable {
  merchant_id: string;
  staff_id: string;
  email: string;
  name: string;
  role: Role;
  store_ids: string[];
  password_hash: string;
  disabled_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** The one cross-tenant table: which merchant an email address signs in to. */
export interface LoginsTable {
  email: string;
  merchant_id: string;
  staff_id: string;
}

export interface SessionsTable {
  merchant_id: string;
  session_id: string;
  staff_id: string;
  token_hash: string;
  user_agent: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  last_seen_at: Date;
}

export interface ApiKeysTable {
  merchant_id: string;
  key_id: string;
  kind: KeyKind;
  role: Role | null;
  store_ids: string[];
  name: string;
  token_hash: string;
  hint: string;
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface Database {
  merchants: MerchantsTable;
  stores: StoresTable;
  staff: StaffTable;
  logins: LoginsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
}
