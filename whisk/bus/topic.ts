import type { z } from "zod";

/**
 * A named, typed message kind on the bus. Observers declare topics; routes, workers and scripts
 * publish to them, and the payload is checked against the same schema everywhere.
 */
export interface Topic<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  readonly kind: "topic";
  readonly name: Name;
  readonly schema: Schema;
}

/**
 * A named, typed work queue. Workers declare queues; anyone may send to them, or request from
 * them and get the worker's return value (`Output`) back.
 */
export interface Queue<Name extends string = string, Schema extends z.ZodType = z.ZodType, Output = unknown> {
  readonly kind: "queue";
  readonly name: Name;
  readonly schema: Schema;
  /** Type-only: the worker's reply. */
  readonly output?: Output;
}

export function topic<const Name extends string, Schema extends z.ZodType>(name: Name, schema: Schema): Topic<Name, Schema> {
  return { kind: "topic", name, schema };
}

export function queue<const Name extends string, Schema extends z.ZodType, Output = unknown>(
  name: Name,
  schema: Schema,
): Queue<Name, Schema, Output> {
  return { kind: "queue", name, schema };
}

/** Payloads this process made with `checkPayload`, and the schema that made each. */
const checkedBy = new WeakMap<object, z.ZodType>();

/** Validates a payload for a topic or queue; a mismatch is a programming error, so it says which. */
export function checkPayload<S extends z.ZodType>(target: Topic<string, S> | Queue<string, S, unknown>, payload: unknown): z.output<S> {
  const parsed = target.schema.safeParse(payload);
  if (!parsed.success) {
    throw new Error(`Payload for ${target.kind} "${target.name}" does not match its schema: ${parsed.error.message}`);
  }
  if (typeof parsed.data === "object" && parsed.data !== null) checkedBy.set(parsed.data, target.schema);
  return parsed.data;
}

/**
 * Whether `payload` is the very object `checkPayload` returned for `schema` in this process (a
 * message this process published, delivered here without leaving it): parsing it again would
 * find the same. Anything read from Redis or built elsewhere is a new object, and is parsed.
 */
export function checkedAgainst(payload: unknown, schema: z.ZodType): boolean {
  return typeof payload === "object" && payload !== null && checkedBy.get(payload) === schema;
}
