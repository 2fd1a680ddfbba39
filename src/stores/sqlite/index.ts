/** The SQLite store: what the rest of the gateway uses of it. */
export { DEFAULT_SQLITE_FILE_NAME, openSqliteStore, type SqliteStoreOptions } from './open.js';
export { SCHEMA_VERSION } from './migrations.js';
export { SqliteStore } from './store.js';
export { StoreOpenError, type StoreOpenFailure } from './errors.js';
