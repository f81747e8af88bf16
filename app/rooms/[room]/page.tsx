import { notFound, redirect } from "next/navigation";
import { currentMember } from "whisk/next";
import { ChatRoom } from "@/app/components/chat-room";
import { isRoomId, ROOMS, roomTitle } from "@/server/rooms";

export default async function RoomPage({ params }: { params: Promise<{ room: string }> }) {
  const { room } = await params;
  // [room]/layout.tsx answers 404 for an unknown room first; this narrows the type.
  if (!isRoomId(room)) notFound();
  // Members only: a guest session (from the hello page or a cookieless token request) is sent to sign in.
  const session = await currentMember();
  if (!session) redirect("/");
  return (
    <ChatRoom
      room={room}
      title={roomTitle(room)}
      me={{ id: session.userId, name: session.userName }}
      rooms={ROOMS.map((each) => ({ id: each.id, title: each.title }))}
    />
  );
}
