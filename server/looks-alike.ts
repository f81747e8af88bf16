/**
 * Names a reader would take for the same person: "Alice", "ALICE", "A1ice" and "Аlice" (with a
 * Cyrillic А) are four strings and one name on screen. Used by `room.join` to keep a look-alike
 * out of a room where the original is.
 *
 * The idea is Unicode's confusable detection (UTS #39): reduce each name to a skeleton by mapping
 * every character to the prototype it is confused with (the table of Unicode's confusables.txt,
 * from the `unhomoglyph` package: Cyrillic а and Greek α become a, 1 and | become l, 0 becomes O,
 * m becomes rn), folding case and dropping accents; names with the same skeleton look alike.
 *
 * @example
 * looksAlike("Alice", "Аlice"); // true: the second starts with a Cyrillic А
 * looksAlike("Alice", "Alicia"); // false
 */
import unhomoglyph from "unhomoglyph";

/** The skeleton ignoring case: "Alice", "ALICE", "A1ice" and "Аlice" all give "alice". */
export function nameSkeleton(name: string): string {
  return dropAccents(foldCase(unhomoglyph(foldCase(visible(name)))));
}

/**
 * Whether two names look alike, ignoring case or as written. Both are needed: folding case first
 * turns the capital I of "BILL" into an i and so misses "B1LL", which the skeleton of the name as
 * written ("BlLL" for both) catches.
 */
export function looksAlike(a: string, b: string): boolean {
  const [first, second] = [skeletonsOf(a), skeletonsOf(b)];
  return first.folded === second.folded || first.written === second.written;
}

// `room.join` compares each newcomer with everyone present (about 6 µs a pair), so the same names
// come back on every entry: their skeletons are kept. At most 5,000 names of at most 32 characters
// (server/display-name.ts): a few MB; when full, it is emptied and fills again.
const MAX_KEPT = 5_000;
const kept = new Map<string, { folded: string; written: string }>();

function skeletonsOf(name: string): { folded: string; written: string } {
  const known = kept.get(name);
  if (known) return known;
  if (kept.size >= MAX_KEPT) kept.clear();
  const skeletons = { folded: nameSkeleton(name), written: writtenSkeleton(name) };
  kept.set(name, skeletons);
  return skeletons;
}

const DRAWS_AS_NOTHING = /[\p{C}\p{Default_Ignorable_Code_Point}]/gu;
const ACCENTED_LATIN_GREEK_CYRILLIC = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])\p{M}+/gu;

/** The skeleton of the name as written: "BILL" and "B1LL" both give "BlLL". */
function writtenSkeleton(name: string): string {
  return dropAccents(unhomoglyph(visible(name)));
}

/** Decomposed (so "é" is e plus an accent), without what draws as nothing (names kept from before the display-name rules may have it). */
function visible(name: string): string {
  return name.normalize("NFKD").replace(DRAWS_AS_NOTHING, "");
}

/** JavaScript has no case folding; upper then lower case folds "ß" to "ss" and "ς" to "σ" as folding does. */
function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/**
 * "Zoë" looks like "Zoe": marks on Latin, Greek and Cyrillic letters are dropped. Marks in other
 * scripts stay, since many are vowels that tell names apart (Devanagari कुमार is not कमार).
 */
function dropAccents(text: string): string {
  return text.normalize("NFD").replace(ACCENTED_LATIN_GREEK_CYRILLIC, "$1");
}
