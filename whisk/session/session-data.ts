import type { z } from "zod";

/** An app's per-session values, declared once; made by `defineSessionData`. */
export interface SessionData<Schema extends z.ZodObject> {
  readonly schema: Schema;
  /**
   * The declared fields of a session's `data` (`record.data`, or what `ctx.session.read()` gives).
   * A field is there only when its stored value fits it: a value an older version of the app
   * wrote, or anything else that does not fit, is left out (or replaced by the field's
   * `.default()`), never thrown, so a page falls back to its default instead of failing.
   */
  read(data: Readonly<Record<string, unknown>>): Partial<z.output<Schema>>;
  /**
   * Checks an update of some fields before it goes to `sessions.update` or `ctx.session.update`;
   * throws on a value that does not fit or a field the schema does not declare (a bug in the
   * writer, better found here than by every reader later). Each given field is checked alone,
   * so a refinement across fields is not applied; the result holds the given fields only.
   */
  patch(values: Partial<z.input<Schema>>): Partial<z.output<Schema>>;
}

/**
 * Types the session's `data`, which the stores keep as untyped JSON merged key by key: declare
 * its fields as a zod object (of JSON values), then read and write through the helpers.
 *
 * @example
 * export const sessionData = defineSessionData(z.object({ theme: z.enum(["light", "dark"]) }));
 * const theme = sessionData.read(session.data).theme ?? "light";
 * await ctx.session.update(sessionData.patch({ theme: "dark" }));
 */
export function defineSessionData<Schema extends z.ZodObject>(schema: Schema): SessionData<Schema> {
  const fields = new Map(Object.entries(schema.shape as Record<string, z.ZodType>));
  return {
    schema,
    read(data) {
      const values: Record<string, unknown> = {};
      for (const [key, field] of fields) {
        const stored = field.safeParse(data[key]);
        // Missing or not fitting alike: the field's `.default()` if it has one, else left out.
        const value = stored.success ? stored.data : field.safeParse(undefined).data;
        if (value !== undefined) values[key] = value;
      }
      return values as Partial<z.output<Schema>>;
    },
    patch(values) {
      // Field by field, not with `schema.partial()`: that would add every defaulted field the
      // update leaves out, overwriting what is stored. An undeclared key, which a zod object
      // would drop silently, is a writer's mistake.
      const checked: Record<string, unknown> = {};
      const issues: string[] = [];
      for (const [key, value] of Object.entries(values)) {
        const field = fields.get(key);
        if (!field) throw new Error(`Session data has no field "${key}": declare it in defineSessionData's schema.`);
        const parsed = field.safeParse(value);
        if (parsed.success) checked[key] = parsed.data;
        else issues.push(...parsed.error.issues.map((issue) => `${[key, ...issue.path].join(".")}: ${issue.message}`));
      }
      if (issues.length > 0) throw new Error(`Session data does not fit its schema: ${issues.join("; ")}`);
      return checked as Partial<z.output<Schema>>;
    },
  };
}
