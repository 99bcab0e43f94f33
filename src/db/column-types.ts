import type { ColumnType } from 'kysely';

/** Column types shared by every table's Kysely types. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** jsonb: read as the parsed value, written as a JSON string. */
export type Json<T> = ColumnType<T, string, string>;
