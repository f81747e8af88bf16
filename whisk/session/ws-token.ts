import { randomBytes } from "node:crypto";

/** 32 bytes = 256 bits from the OS CSPRNG, base64url: 43 characters, safe in JSON and headers. */
export const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function createWsToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** Cheap shape check before any store look-up, so junk never reaches Redis. */
export function isWellFormedWsToken(value: unknown): value is string {
  return typeof value === "string" && TOKEN_SHAPE.test(value);
}
