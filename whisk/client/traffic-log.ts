import type { EmitResult } from "../core/result";

/** The devtools panel shows the last 100 messages: enough to follow a conversation, little to hold. */
export const MAX_TRAFFIC_ENTRIES = 100;
/** Each payload is kept as JSON cut to 1,000 characters: 100 entries stay under about 200 KB. */
export const MAX_PREVIEW_CHARS = 1_000;
/** A refusal's first issues are enough to see what was wrong. */
const MAX_ISSUES = 10;

/** One message in or out, as the devtools panel lists it. */
export interface TrafficEntry {
  id: number;
  at: number;
  direction: "out" | "in";
  event: string;
  /** The payload as JSON, cut to MAX_PREVIEW_CHARS. */
  preview: string;
  /** A route's outcome once its ack came (`pending` until then); none for what came in. */
  result?: { status: "pending" } | EmitResult<unknown>;
}

/** Long strings are cut before they are written out: a 1 MB text costs a preview, not a megabyte of JSON. */
const cutLongStrings = (_key: string, value: unknown) =>
  typeof value === "string" && value.length > MAX_PREVIEW_CHARS ? `${value.slice(0, MAX_PREVIEW_CHARS)}…` : value;

function previewOf(payload: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(payload, cutLongStrings) ?? String(payload);
  } catch {
    text = String(payload);
  }
  return text.length > MAX_PREVIEW_CHARS ? `${text.slice(0, MAX_PREVIEW_CHARS)}…` : text;
}

/** An ack kept small: the data's preview stands in for the data, and only the first issues are kept. */
function resultOf(result: EmitResult<unknown>): EmitResult<unknown> {
  if (result.status === "ok") return { status: "ok", data: previewOf(result.data) };
  if (result.status === "error") return { status: "error", error: { ...result.error, issues: result.error.issues?.slice(0, MAX_ISSUES) } };
  return result;
}

/**
 * What a connection sent and received, recorded only while someone watches (the devtools panel,
 * in development): with nobody subscribed, each message costs one check of a set's size.
 */
export class TrafficLog {
  private entries: readonly TrafficEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.entries = [];
    };
  };

  /** The entries, oldest first; a new array after each change (for `useSyncExternalStore`). */
  snapshot = (): readonly TrafficEntry[] => this.entries;

  /** Notes a route event sent; returns its id for `answered`, or undefined when nobody watches. */
  sent(event: string, payload: unknown): number | undefined {
    if (this.listeners.size === 0) return undefined;
    return this.add({ direction: "out", event, preview: previewOf(payload), result: { status: "pending" } });
  }

  answered(id: number, result: EmitResult<unknown>): void {
    if (!this.entries.some((entry) => entry.id === id)) return;
    this.entries = this.entries.map((entry) => (entry.id === id ? { ...entry, result: resultOf(result) } : entry));
    this.changed();
  }

  received(event: string, payload: unknown): void {
    if (this.listeners.size === 0) return;
    this.add({ direction: "in", event, preview: previewOf(payload) });
  }

  private add(fields: Omit<TrafficEntry, "id" | "at">): number {
    const id = this.nextId++;
    this.entries = [...this.entries.slice(-(MAX_TRAFFIC_ENTRIES - 1)), { id, at: Date.now(), ...fields }];
    this.changed();
    return id;
  }

  private changed() {
    for (const listener of this.listeners) listener();
  }
}
