/**
 * Whisk's shared vocabulary: errors, results, addresses, the envelope and reserved names.
 * Imported by the server and the client alike, so it stays free of I/O.
 */
export * from "./address";
export { newClientId } from "./client-id";
export * from "./defaults";
export * from "./errors";
export * from "./protocol";
export { type RedisKeys, redisKeys } from "./redis-keys";
export * from "./result";
