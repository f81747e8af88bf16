import type { z } from "zod";
import type { PayloadIssue } from "../core/errors";

/** Zod issues as plain JSON: a path and a sentence each; nothing of the input is echoed back. */
export function toPayloadIssues(error: z.ZodError): PayloadIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment)),
    message: issue.message,
  }));
}
