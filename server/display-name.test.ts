import { describe, expect, it } from "vitest";
import { MAX_DISPLAY_NAME_LENGTH, parseDisplayName } from "./display-name";

const INVISIBLE = "A display name cannot contain invisible or control characters.";
const EMPTY = "Enter a display name.";
const TOO_LONG = "A display name has at most 32 characters.";

describe("parseDisplayName", () => {
  it.each([
    ["accented Latin", "Zoë Ørsted-Łukasiewicz"],
    ["Japanese", "山田 花子"],
    ["Arabic", "محمد"],
    ["Cyrillic", "Алиса"],
    ["Greek", "Αλέξης"],
    ["Devanagari", "कुमार"],
    ["Korean", "김민준"],
    ["digits only, as a guest's number", "4821"],
    ["punctuation between letters", "J. R. R. O'Neil-Smith"],
  ])("accepts an ordinary name in %s as it is", (_script, name) => {
    expect(parseDisplayName(name)).toEqual({ ok: true, name });
  });

  it("accepts a name that reads as a sentence, as one name: notices show it as a name, so it forges nothing", () => {
    expect(parseDisplayName("Bob entered Orbit. Eve")).toEqual({ ok: true, name: "Bob entered Orbit. Eve" });
  });

  it("normalises to NFKC: fullwidth and halfwidth forms, ligatures and decomposed accents become the usual letters", () => {
    expect(parseDisplayName("Ａｌｉｃｅ")).toEqual({ ok: true, name: "Alice" });
    expect(parseDisplayName("ﾔﾏﾀﾞ")).toEqual({ ok: true, name: "ヤマダ" });
    expect(parseDisplayName("ﬁona")).toEqual({ ok: true, name: "fiona" });
    expect(parseDisplayName("Jose\u0301")).toEqual({ ok: true, name: "Jos\u00e9" });
  });

  it("trims the ends and makes every run of whitespace, of any kind, one space", () => {
    expect(parseDisplayName("  Ada \t\n Lovelace  ")).toEqual({ ok: true, name: "Ada Lovelace" });
    expect(parseDisplayName("Ada\u00a0\u3000Lovelace")).toEqual({ ok: true, name: "Ada Lovelace" });
  });

  it("refuses an empty or blank name, and anything that is not text", () => {
    for (const input of ["", "   ", "\t\n", "\u3000", undefined, null, 42])
      expect(parseDisplayName(input)).toEqual({ ok: false, error: EMPTY });
  });

  it(`accepts ${MAX_DISPLAY_NAME_LENGTH} characters, counted as characters rather than UTF-16 units, and refuses one more`, () => {
    expect(parseDisplayName("a".repeat(32))).toEqual({ ok: true, name: "a".repeat(32) });
    expect(parseDisplayName("𠮷".repeat(32))).toMatchObject({ ok: true });
    expect(parseDisplayName("a".repeat(33))).toEqual({ ok: false, error: TOO_LONG });
    // Counted after normalising: the three spaces become one.
    expect(parseDisplayName(`${"a".repeat(30)}   b`)).toEqual({ ok: true, name: `${"a".repeat(30)} b` });
  });

  it("refuses a very long input before normalising it, even one that would trim to a short name", () => {
    expect(parseDisplayName(`${" ".repeat(300)}Alice`)).toEqual({ ok: false, error: TOO_LONG });
  });

  it.each([
    ["U+3164 HANGUL FILLER", "\u3164"],
    ["U+3164 twice", "\u3164\u3164"],
    ["U+115F HANGUL CHOSEONG FILLER", "\u115f"],
    ["U+1160 HANGUL JUNGSEONG FILLER", "\u1160"],
    ["U+FFA0 HALFWIDTH HANGUL FILLER", "\uffa0"],
    ["U+2800 BRAILLE PATTERN BLANK", "\u2800"],
    ["U+2800 between letters", "Al\u2800ice"],
    ["a Hangul filler after a name", "Alice\u3164"],
    ["U+200B ZERO WIDTH SPACE", "Al\u200bice"],
    ["U+200D ZERO WIDTH JOINER", "Al\u200dice"],
    ["U+2060 WORD JOINER", "Al\u2060ice"],
    ["U+FEFF at the start, which trim() would have removed", "\ufeffAlice"],
    ["U+00AD SOFT HYPHEN", "Al\u00adice"],
    ["U+202E RIGHT-TO-LEFT OVERRIDE", "\u202eecilA"],
    ["U+2066 and U+2069, a bidi isolate", "\u2066Alice\u2069"],
    ["U+FE0F VARIATION SELECTOR-16", "Alice\ufe0f"],
    ["U+E0100 VARIATION SELECTOR-17", "Alice\u{e0100}"],
    ["U+034F COMBINING GRAPHEME JOINER", "Al\u034fice"],
    ["U+1D159 MUSICAL SYMBOL NULL NOTEHEAD", "Al\u{1d159}ice"],
    ["a control character", "Ali\u0007ce"],
    ["a private-use character", "Ali\ue000ce"],
    ["an unassigned code point", "Ali\u{50000}ce"],
    ["a lone surrogate", "Ali\ud800ce"],
  ])("refuses %s as invisible", (_what, name) => {
    expect(parseDisplayName(name)).toEqual({ ok: false, error: INVISIBLE });
  });

  it.each([["Alice 👍"], ["❤"], ["Alice ❤️"], ["🇫🇷 Marie"], ["👨‍👩‍👧"], ["Bob 👋🏽"], ["✅ Admin"]])(
    "refuses emoji, and says so rather than pointing at their joiners: %s",
    (name) => {
      expect(parseDisplayName(name)).toEqual({ ok: false, error: "A display name cannot contain emoji." });
    },
  );

  it.each([["Ali@ce"], ["@Bob"], ["Bob: hi"], ["＠Bob"], ["Bob："]])("refuses @ and :, in their fullwidth forms too: %s", (name) => {
    expect(parseDisplayName(name)).toEqual({ ok: false, error: "A display name cannot contain @ or : (they mark private messages)." });
  });

  it.each([["..."], ["-_-"], ["★☆"], ["、。"], ["(°_°)"]])("refuses a name with no letter or digit at all: %s", (name) => {
    expect(parseDisplayName(name)).toEqual({ ok: false, error: "A display name needs at least one letter or digit." });
  });

  it.each([
    ["Аlice", "a Cyrillic А"],
    ["Αlice", "a Greek Α"],
    ["Ivan Иванов", "a Latin and a Cyrillic word"],
  ])("refuses %s, which mixes Latin with %s", (name) => {
    expect(parseDisplayName(name)).toEqual({
      ok: false,
      error: "A display name cannot mix Latin letters with Cyrillic or Greek ones (they can look the same).",
    });
  });
});
