import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { isRoomId } from "@/server/rooms";

/**
 * Refuses a room that does not exist here, in the layout: it renders before the page's loading
 * boundary (loading.tsx), so the answer is still a real 404 and not a streamed 200.
 */
export default async function RoomLayout({ children, params }: { children: ReactNode; params: Promise<{ room: string }> }) {
  if (!isRoomId((await params).room)) notFound();
  return children;
}
