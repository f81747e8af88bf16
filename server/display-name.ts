/**
 * The demo's rules for display names, for everything that signs someone in (the `signIn` action,
 * `POST /api/session`). Edit them here to change what your app accepts.
 *
 * A name is shown to everyone, so it must be one a reader can see and trust: normalised (NFKC:
 * fullwidth "Ａｌｉｃｅ" becomes "Alice"), trimmed, with every run of whitespace made one space, and
 * with nothing in it that draws as nothing (U+3164 HANGUL FILLER looks like an empty name, U+202E
 * turns the text around). Names that only look alike are a separate matter: see `looks-alike.ts`.
 *
 * @example
 * const parsed = parseDisplayName(form.get("name"));
 * if (!parsed.ok) return { error: parsed.error };
 * await startSession(await newSignedInUser(parsed.name));
 */

/** In characters (code points), after normalising. */
export const MAX_DISPLAY_NAME_LENGTH = 32;

/** Longer input is refused before normalising it: NFKC can make a string up to 18 times longer. */
const MAX_INPUT_LENGTH = 256;

const TOO_LONG = `A display name has at most ${MAX_DISPLAY_NAME_LENGTH} characters.`;

export type ParsedDisplayName = { ok: true; name: string } | { ok: false; error: string };

// Emoji need joiners and variation selectors, which are refused below as invisible, so only some
// would work; and a badge such as ✅ or 🛡 next to a name claims what the app never checked.
const EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]/u;

// \p{C}: controls, format characters (zero-width ones, bidi controls), private use, unassigned.
// Default_Ignorable_Code_Point: drawn as nothing (the Hangul fillers U+115F, U+1160, U+3164 and
// U+FFA0, variation selectors, the soft hyphen). U+2800 BRAILLE PATTERN BLANK and U+1D159 MUSICAL
// SYMBOL NULL NOTEHEAD are blanks in neither set.
const INVISIBLE = /[\p{C}\p{Default_Ignorable_Code_Point}\u2800\u{1D159}]/u;

// `@name:` starts a private message in the chat.
const RESERVED = /[@:]/;

// Cyrillic and Greek have letters drawn exactly like Latin ones: "Аlice" starts with a Cyrillic А.
// A name in one of them is fine; mixed with Latin it is a disguise (UTS #39's mixed-script check).
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** The name to keep and show, or why it is refused (a sentence for the person who typed it). */
export function parseDisplayName(input: unknown): ParsedDisplayName {
  if (typeof input !== "string") return refuse("Enter a display name.");
  if (input.length > MAX_INPUT_LENGTH) return refuse(TOO_LONG);
  const name = normalise(input);
  if (name === "") return refuse("Enter a display name.");
  if ([...name].length > MAX_DISPLAY_NAME_LENGTH) return refuse(TOO_LONG);
  if (EMOJI.test(name)) return refuse("A display name cannot contain emoji.");
  if (INVISIBLE.test(name)) return refuse("A display name cannot contain invisible or control characters.");
  if (RESERVED.test(name)) return refuse("A display name cannot contain @ or : (they mark private messages).");
  if (!LETTER_OR_DIGIT.test(name)) return refuse("A display name needs at least one letter or digit.");
  if (LATIN.test(name) && CYRILLIC_OR_GREEK.test(name)) {
    return refuse("A display name cannot mix Latin letters with Cyrillic or Greek ones (they can look the same).");
  }
  return { ok: true, name };
}

/**
 * NFKC, then every run of Unicode White_Space becomes one space, then the ends are trimmed.
 * Not `\s` or `trim()`: both count U+FEFF as a space, and it must be refused as invisible instead.
 */
function normalise(input: string): string {
  return input
    .normalize("NFKC")
    .replace(/\p{White_Space}+/gu, " ")
    .replace(/^ | $/g, "");
}

function refuse(error: string): ParsedDisplayName {
  return { ok: false, error };
}
