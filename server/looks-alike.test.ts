import { describe, expect, it } from "vitest";
import { looksAlike, nameSkeleton } from "./looks-alike";

describe("nameSkeleton", () => {
  it("gives Alice, ALICE, A1ice and Аlice (a Cyrillic А) one skeleton", () => {
    for (const name of ["Alice", "ALICE", "A1ice", "\u0410lice"]) expect(nameSkeleton(name)).toBe("alice");
  });

  it("maps the classic digit look-alikes: 1 to l and 0 to o", () => {
    expect(nameSkeleton("B0b")).toBe("bob");
    expect(nameSkeleton("Wi11")).toBe("will");
  });
});

describe("looksAlike", () => {
  it.each([
    ["Alice", "Alice", "the same name twice"],
    ["Alice", "alice", "another case"],
    ["Alice", "ALICE", "capitals"],
    ["Alice", "A1ice", "a digit 1 for an l"],
    ["Bob", "B0B", "a digit 0 for an O"],
    ["Alice", "\u0410lice", "a Cyrillic А"],
    ["Alice", "\u0391lice", "a Greek Α"],
    ["ABE", "\u0410\u0412\u0415", "a name all in Cyrillic capitals"],
    ["BILL", "B1LL", "a 1 for a capital I"],
    ["Bill", "BiII", "capital Is for ls"],
    ["Tim", "Tirn", "rn for m"],
    ["Zoe", "Zoë", "an accent"],
    ["Straße", "STRASSE", "ß written as SS"],
    ["Alice", "Ａｌｉｃｅ", "fullwidth letters"],
    ["Alice", "Al\u200bice", "a zero-width space inside, in a name kept from before the display-name rules"],
  ])("takes %s and %s for the same name: %s", (a, b) => {
    expect(looksAlike(a, b)).toBe(true);
    expect(looksAlike(b, a)).toBe(true);
  });

  it.each([
    ["Alice", "Alicia"],
    ["Eli", "Ell"],
    ["Ann", "Anna"],
    ["Bob", "Rob"],
    ["4821", "4822"],
    ["कुमार", "कमार"],
    ["ガイ", "カイ"],
    ["山田", "山口"],
    ["محمد", "أحمد"],
  ])("tells %s and %s apart", (a, b) => {
    expect(looksAlike(a, b)).toBe(false);
  });

  it("answers the same after meeting more names than it keeps skeletons for", () => {
    for (let i = 0; i < 6_000; i++) expect(looksAlike(`Member ${i}`, "Alice")).toBe(false);
    expect(looksAlike("Alice", "A1ice")).toBe(true);
    expect(looksAlike("Member 1", "Member l")).toBe(true);
    expect(looksAlike("Member 1", "Member 2")).toBe(false);
  });

  it("tells apart every pair of the names the end-to-end tests sign in with", () => {
    const names = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"];
    names.push("Ann", "Ben", "Cat", "Dana", "Eli", "Fay", "Gil", "Hal", "Ivy", "Jo", "Kim", "Lou", "Max");
    const alike = names.flatMap((a, i) =>
      names
        .slice(i + 1)
        .filter((b) => looksAlike(a, b))
        .map((b) => `${a}/${b}`),
    );
    expect(alike).toEqual([]);
  });
});
