import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentMember } from "whisk/next";
import { getChatToken } from "@/app/actions";
import { WhiskProvider } from "@/app/lib/whisk";

/** One connection for all rooms: moving between rooms keeps the socket, only the room changes. */
export default async function RoomsLayout({ children }: { children: ReactNode }) {
  if (!(await currentMember())) redirect("/");
  return (
    <WhiskProvider getToken={getChatToken} tokenRoute="/api/chat-token">
      {children}
    </WhiskProvider>
  );
}
