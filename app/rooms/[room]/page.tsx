import { notFound, redirect } from "next/navigation";
import { isRoomId, ROOMS, roomTitle } from "../../../server/rooms";
import { currentSession } from "../../../whisk/next";
import { ChatRoom } from "../../components/chat-room";

export default async function RoomPage({ params }: { params: Promise<{ room: string }> }) {
  const { room } = await params;
  if (!isRoomId(room)) notFound();
  const session = await currentSession();
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
