/** Kysely table types for the shows migration (camelCase columns; see schema.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: tables are added with the feature
export interface ShowsTables {}
