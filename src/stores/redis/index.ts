/** The Redis store (cluster mode): what the rest of the gateway uses of it. */
export { DEFAULT_RECENT_COMPLETIONS_CAP, DEFAULT_RETENTION_MS, RedisStore, type RedisStoreOptions } from './store.js';
export { LuaScript } from './scripts.js';
export { DEFAULT_PREFIX, redisKey } from './keys.js';
