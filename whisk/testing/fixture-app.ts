/**
 * A small app of Whisk's own, for the framework's tests: a notice board with two route groups,
 * an observer group and a worker group, written as an app writes them. Framework tests use it
 * instead of the demo in server/, so they hold whatever the demo becomes.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createBuilders } from "../server/builders";
import { defineObservers, defineRoutes, defineWorkers } from "../server/groups";
import { defineWhiskApp } from "../server/whisk-app";

export interface FixtureContext {
  now: () => number;
}

const { route, observe, work } = createBuilders<FixtureContext>();

const person = z.object({ id: z.string(), name: z.string() });

export const boardObservers = defineObservers("board", {
  /** The client gets the payload as it is. */
  posted: observe(z.object({ id: z.string(), author: person, text: z.string(), at: z.number() })).handle((post) => post),
  /** The client gets what the handler returns, not the topic's payload; `undefined` sends nothing. */
  counted: observe(z.object({ count: z.number() })).handle(({ count }) => (count > 0 ? { count, label: `${count} posts` } : undefined)),
});

export const boardWorkers = defineWorkers("board", {
  count: work(z.object({ posts: z.number() })).handle(async ({ posts }, ctx) => {
    await ctx.bus.everyone().publish(boardObservers.topics.counted, { count: posts });
    return { counted: posts };
  }),
});

export const boardRoutes = defineRoutes(
  "board",
  {
    post: route.input(z.object({ text: z.string().min(1), pinned: z.boolean().optional() })).handle(async ({ text }, ctx) => {
      const id: string = randomUUID();
      await ctx.bus.everyone().publish(boardObservers.topics.posted, { id, author: ctx.user, text, at: ctx.services.now() });
      return { id };
    }),
  },
  { access: "guests" },
);

export const clockRoutes = defineRoutes("clock", {
  now: route.input(z.object({})).handle((_input, ctx) => ({ at: ctx.services.now() })),
});

export const fixtureApp = defineWhiskApp({
  routes: [boardRoutes, clockRoutes],
  observers: [boardObservers],
  workers: [boardWorkers],
});

export type FixtureApp = typeof fixtureApp;
