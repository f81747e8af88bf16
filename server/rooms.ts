/**
 * The chat's rooms: the original chat-room example's four locations. Edit this list to change
 * them; pages, routes and workers all read it.
 */
import { z } from "zod";

export const ROOMS = [
  { id: "room", title: "The Room" },
  { id: "beach", title: "Bubble Beach" },
  { id: "dog-park", title: "Dog Park" },
  { id: "orbit", title: "Orbit" },
] as const;

export type RoomId = (typeof ROOMS)[number]["id"];

export const DEFAULT_ROOM: RoomId = "room";

export const roomIdSchema = z.enum(ROOMS.map((room) => room.id) as [RoomId, ...RoomId[]]);

export function roomTitle(id: RoomId): string {
  return ROOMS.find((room) => room.id === id)?.title ?? id;
}

export function isRoomId(value: string): value is RoomId {
  return ROOMS.some((room) => room.id === value);
}

export const MAX_CHAT_LENGTH = 1_000;
