/** See flavours.mjs. */
export declare const ROOT: string;
export declare const SQLITE_SCHEMA: string;
export declare const POSTGRES_SCHEMA: string;
export declare const MIGRATIONS: { sqlite: string; postgresql: string };
export declare function providerOf(url: string | undefined): 'sqlite' | 'postgresql';
export declare function derivePostgresSchema(): string;
