import { z } from "zod";

/**
 * The text of a chat line or a hello-world message: trimmed, 1 to `maxLength` characters, and
 * nothing a reader cannot see that would still cost bytes. Control characters and lone UTF-16
 * surrogates are refused: each travels JSON-escaped as six bytes (`\u0001`), so a message of them
 * would weigh six times its length in every history page and broadcast, and none is text anyone
 * can read. What is left is at most three UTF-8 bytes a character.
 *
 * @example route.input(z.object({ text: messageText(1_000) }))
 */
const CONTROL = /\p{Cc}/u;
// \p{Cs} matches only a surrogate without its pair: a paired one reads as one code point.
const LONE_SURROGATE = /\p{Cs}/u;

export function messageText(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(maxLength)
    .refine((text) => !CONTROL.test(text), "Control characters are not text.")
    .refine((text) => !LONE_SURROGATE.test(text), "The text holds a broken character (a lone surrogate).");
}
