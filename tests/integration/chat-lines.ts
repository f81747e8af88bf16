/** What the chat's tests wait for (the minimal template, which has no chat, leaves this file out). */
import type { Socket } from "socket.io-client";
import { nextEventWhere } from "./clients";

/** The next line said in a room, heard on `socket`: a `room.message` that is not a notice ("Ann entered the room"). */
export const nextSaid = (socket: Socket, ms?: number) => nextEventWhere(socket, "room.message", (line) => !line.notice, ms);
