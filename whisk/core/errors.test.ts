import { describe, expect, it } from "vitest";
import { ERROR_CODES, isErrorCode, type PayloadIssue, toErrorPayload, toWhiskError, WhiskError } from "./errors";

describe("WhiskError", () => {
  it("uses the code's standard message when none is given", () => {
    const error = new WhiskError("TIMEOUT");
    expect(error.code).toBe("TIMEOUT");
    expect(error.message).toBe(ERROR_CODES.TIMEOUT);
    expect(error.name).toBe("WhiskError");
    expect(error).toBeInstanceOf(Error);
  });

  it("keeps a custom message, issues and cause", () => {
    const cause = new Error("root");
    const issues: PayloadIssue[] = [{ path: ["message"], message: "Required" }];
    const error = new WhiskError("BAD_PAYLOAD", "bad message", { issues, cause });
    expect(error.message).toBe("bad message");
    expect(error.issues).toEqual(issues);
    expect(error.cause).toBe(cause);
  });
});

describe("toWhiskError", () => {
  it("returns a WhiskError unchanged, the same object", () => {
    const error = new WhiskError("UNKNOWN_EVENT", "nope");
    expect(toWhiskError(error)).toBe(error);
  });

  it("wraps a plain Error as INTERNAL with the standard message, keeping the Error as its cause", () => {
    const thrown = new Error("database password is hunter2");
    const error = toWhiskError(thrown);
    expect(error).toBeInstanceOf(WhiskError);
    expect(error.code).toBe("INTERNAL");
    expect(error.message).toBe(ERROR_CODES.INTERNAL);
    expect(error.cause).toBe(thrown);
  });

  it.each([
    ["a string", "boom"],
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
    ["a plain object that looks like a WhiskError", { code: "BAD_PAYLOAD", message: "fake" }],
  ])("wraps %s as INTERNAL, keeping it as the cause", (_name, thrown) => {
    const error = toWhiskError(thrown);
    expect(error.code).toBe("INTERNAL");
    expect(error.cause).toBe(thrown);
  });
});

describe("toErrorPayload", () => {
  it("turns a WhiskError into its code and message, with no issues key when there are none", () => {
    expect(toErrorPayload(new WhiskError("UNKNOWN_EVENT", 'No route handles "x.y".'))).toStrictEqual({
      code: "UNKNOWN_EVENT",
      message: 'No route handles "x.y".',
    });
  });

  it("keeps the issues of a BAD_PAYLOAD error", () => {
    const issues: PayloadIssue[] = [
      { path: ["message"], message: "Too small" },
      { path: ["items", 0, "id"], message: "Expected string" },
    ];
    expect(toErrorPayload(new WhiskError("BAD_PAYLOAD", "bad", { issues }))).toStrictEqual({
      code: "BAD_PAYLOAD",
      message: "bad",
      issues,
    });
  });

  it("never sends the text of an unknown thrown Error, only the standard INTERNAL message", () => {
    const payload = toErrorPayload(new Error("database password is hunter2"));
    expect(payload).toStrictEqual({ code: "INTERNAL", message: ERROR_CODES.INTERNAL });
    expect(JSON.stringify(payload)).not.toContain("hunter2");
  });

  it("never sends a custom message given to an INTERNAL WhiskError", () => {
    const payload = toErrorPayload(new WhiskError("INTERNAL", "stack: at db.query (secret.ts:12)"));
    expect(payload).toStrictEqual({ code: "INTERNAL", message: ERROR_CODES.INTERNAL });
  });

  it("never sends the cause, the stack or the name of an error", () => {
    const payload = toErrorPayload(new WhiskError("TIMEOUT", "late", { cause: new Error("secret cause") }));
    expect(Object.keys(payload).sort()).toEqual(["code", "message"]);
    expect(JSON.stringify(payload)).not.toContain("secret cause");
  });

  it("never sends a thrown string", () => {
    expect(toErrorPayload("secret string")).toStrictEqual({ code: "INTERNAL", message: ERROR_CODES.INTERNAL });
  });

  it("returns a payload that survives a JSON round trip unchanged", () => {
    const payload = toErrorPayload(new WhiskError("BAD_PAYLOAD", "bad", { issues: [{ path: ["a", 1], message: "m" }] }));
    expect(JSON.parse(JSON.stringify(payload))).toStrictEqual(payload);
  });
});

describe("isErrorCode", () => {
  it("accepts every code in ERROR_CODES", () => {
    for (const code of Object.keys(ERROR_CODES)) expect(isErrorCode(code)).toBe(true);
  });

  it.each([
    ["an unknown code", "NOT_A_CODE"],
    ["a code in the wrong case", "bad_payload"],
    ["an empty string", ""],
    ["an inherited Object property", "toString"],
    ["__proto__", "__proto__"],
    ["constructor", "constructor"],
    ["a number", 1],
    ["null", null],
    ["undefined", undefined],
    ["an object", { code: "INTERNAL" }],
  ])("refuses %s", (_name, value) => {
    expect(isErrorCode(value)).toBe(false);
  });
});
