import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "../core/errors";
import { WHISK_PATH } from "../core/protocol";
import type { AnyObserver, AnyRoute, AnyWorker } from "./definitions";
import type { WhiskAppDefinition } from "./whisk-app";

/** A JSON Schema as `z.toJSONSchema` writes it. */
type JsonSchema = Record<string, unknown>;

interface RouteEntry {
  event: string;
  route: AnyRoute;
  access: "members" | "guests";
}

/** What every ack may say besides the route's own refusals (whisk/core/errors.ts). */
const EVERY_ROUTE: readonly ErrorCode[] = ["BAD_PAYLOAD", "UNKNOWN_EVENT", "RATE_LIMITED", "INTERNAL"];

/** A schema as JSON Schema, for what a client sends (`input`) or receives (`output`); what JSON cannot say is left open. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function routesOf(app: WhiskAppDefinition): RouteEntry[] {
  return app.routes.flatMap((group) =>
    Object.entries(group.routes).map(([key, route]) => ({ event: `${group.name}.${key}`, route, access: group.access })),
  );
}

function eventsOf(app: WhiskAppDefinition): [string, AnyObserver][] {
  return app.observers.flatMap((group) =>
    Object.entries(group.observers).map(([key, observer]) => [`${group.name}.${key}`, observer] as [string, AnyObserver]),
  );
}

function queuesOf(app: WhiskAppDefinition): [string, AnyWorker][] {
  return app.workers.flatMap((group) =>
    Object.entries(group.workers).map(([key, worker]) => [`${group.name}.${key}`, worker] as [string, AnyWorker]),
  );
}

/** The app's routes, events and queues with their JSON Schemas, as data: what the devtools panel lists. */
export function describeApp(app: WhiskAppDefinition) {
  return {
    routes: sorted(routesOf(app)).map(({ event, route, access }) => ({
      event,
      access,
      cost: route.cost ?? 1,
      description: route.schema.description,
      input: jsonSchema(route.schema, "input"),
      output: route.output ? jsonSchema(route.output, "output") : undefined,
      refusals: route.refusals ?? {},
    })),
    events: sorted(eventsOf(app)).map(([event, observer]) => ({
      event,
      description: observer.schema.description,
      payload: jsonSchema(observer.output ?? observer.schema, "output"),
    })),
    queues: sorted(queuesOf(app)).map(([queue, worker]) => ({ queue, job: jsonSchema(worker.schema, "input") })),
  };
}

export type AppDescription = ReturnType<typeof describeApp>;

const block = (schema: JsonSchema) => ["```json", JSON.stringify(schema, null, 2), "```"].join("\n");
const sorted = <T extends [string, unknown] | RouteEntry>(entries: T[]) =>
  [...entries].sort((a, b) => (Array.isArray(a) ? a[0] : a.event).localeCompare(Array.isArray(b) ? b[0] : b.event));

/**
 * The app's wire contract as Markdown: every route with its payload, ack and refusals, every
 * event with its payload, every queue with its job. For a mobile client or another team; made
 * from the zod schemas, so it cannot drift from the code (`npm run contract`, checked by a test).
 */
export function contractMarkdown(app: WhiskAppDefinition, title: string): string {
  const lines: string[] = [
    `# ${title}: the wire contract`,
    "",
    "Written by `npm run contract` from the app's definitions (`server/app.ts`); `npm test` fails when",
    "it is out of date. The same in AsyncAPI 3: `docs/asyncapi.json`.",
    "",
    "## Connecting",
    "",
    `A socket.io 4 client connects to the app's origin at path \`${WHISK_PATH}\`, with a one-time`,
    "`ws_token` in `auth.token` (from the app's token route, such as `POST /api/ws-token`, called with",
    "the session cookie and an allowed `Origin`), and receives `whisk.welcome`. A route is an event",
    'sent with an acknowledgement: the ack is `{ status: "ok", data }` or `{ status: "error", error: { code, message, issues? } }`.',
    "Once a socket has been connected a while (10 s by default), `whisk.resume` brings `{ token, expiresAt, gateways? }`:",
    "a single-use token for the next reconnect (renewed while connected), so a reconnect needs no call",
    "to the token route; where clients reach gateways directly, `gateways` lists the other live ones",
    "(at most 8), where a client whose gateway died or drains may reconnect with it.",
    "",
    "## Refusals every route may answer",
    "",
    "| code | when |",
    "| --- | --- |",
    ...EVERY_ROUTE.map((code) => `| \`${code}\` | ${ERROR_CODES[code]} |`),
    `| \`FORBIDDEN\` | a members' route called by a guest, and what the route says below |`,
    "",
    "## Routes (client → server, acknowledged)",
    "",
  ];
  for (const { event, route, access } of sorted(routesOf(app))) {
    const description = route.schema.description;
    lines.push(`### \`${event}\``, "");
    if (description) lines.push(description, "");
    lines.push(`${access === "guests" ? "Members and guests" : "Members only"}; costs ${route.cost ?? 1} of the socket's events.`, "");
    lines.push("Payload:", "", block(jsonSchema(route.schema, "input")), "");
    lines.push(route.output ? ["Ack `data`:", "", block(jsonSchema(route.output, "output"))].join("\n") : "Ack `data`: not declared.", "");
    const refusals = Object.entries(route.refusals ?? {});
    if (refusals.length > 0) lines.push("Refusals:", "", ...refusals.map(([code, when]) => `- \`${code}\`: ${when}`), "");
  }
  lines.push("## Events (server → client)", "");
  for (const [event, observer] of sorted(eventsOf(app))) {
    lines.push(`### \`${event}\``, "");
    if (observer.schema.description) lines.push(observer.schema.description, "");
    lines.push(block(jsonSchema(observer.output ?? observer.schema, "output")), "");
  }
  lines.push("## Queues (route or worker → one worker process)", "");
  for (const [name, worker] of sorted(queuesOf(app))) {
    lines.push(`### \`${name}\``, "", block(jsonSchema(worker.schema, "input")), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The same contract as an AsyncAPI 3.0 document, from the server's side: it receives routes and replies, and sends events. */
export function contractAsyncApi(app: WhiskAppDefinition, title: string, version: string): JsonSchema {
  const channels: JsonSchema = {};
  const operations: JsonSchema = {};
  const channel = (name: string, payload: JsonSchema, description?: string) => {
    channels[name] = { address: name, ...(description ? { description } : {}), messages: { [name]: { name, payload } } };
    return { $ref: `#/channels/${name}` };
  };
  for (const { event, route, access } of sorted(routesOf(app))) {
    const ack = {
      oneOf: [
        {
          type: "object",
          properties: { status: { const: "ok" }, data: route.output ? jsonSchema(route.output, "output") : {} },
          required: ["status"],
        },
        {
          type: "object",
          properties: {
            status: { const: "error" },
            error: {
              type: "object",
              properties: { code: { enum: Object.keys(ERROR_CODES) }, message: { type: "string" } },
              required: ["code", "message"],
            },
          },
          required: ["status", "error"],
        },
      ],
    };
    operations[event] = {
      action: "receive",
      channel: channel(event, jsonSchema(route.schema, "input"), route.schema.description),
      summary: `${access === "guests" ? "Members and guests" : "Members only"}; costs ${route.cost ?? 1}.`,
      reply: { channel: channel(`${event}.ack`, ack) },
    };
  }
  for (const [event, observer] of sorted(eventsOf(app))) {
    operations[event] = {
      action: "send",
      channel: channel(event, jsonSchema(observer.output ?? observer.schema, "output"), observer.schema.description),
    };
  }
  return {
    asyncapi: "3.0.0",
    info: { title, version, description: `socket.io 4 at path ${WHISK_PATH}; a route is an event with an acknowledgement (its reply).` },
    defaultContentType: "application/json",
    channels,
    operations,
  };
}
