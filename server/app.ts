/**
 * Every room, route, observer and worker group of this app. Add a group here when you add a file under
 * routes/, observers/ or workers/, or a room group (a test fails if you forget). The client's types come from
 * `WhiskApp`, by type-only import: no code generation.
 */
import { defineWhiskApp } from "whisk/server";
import { chatInbox } from "./chat-inbox";
import { chatRooms } from "./chat-rooms";
import { worldObservers } from "./observers/world";
import { roomRoutes } from "./routes/room";
import { worldRoutes } from "./routes/world";
import { chatWorkers } from "./workers/chat";

export const app = defineWhiskApp({
  rooms: [chatRooms, chatInbox],
  routes: [worldRoutes, roomRoutes],
  observers: [worldObservers],
  workers: [chatWorkers],
});

export type WhiskApp = typeof app;
