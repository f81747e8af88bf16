import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentMember, issueWsToken } from "whisk/next";
import { getChatToken } from "@/app/actions";
import { WhiskProvider } from "@/app/lib/whisk";

/**
 * One connection for all rooms: moving between rooms keeps the socket, only the room changes.
 * Its first token comes with the page (the page is dynamic, never cached: it reads the session
 * cookie), so connecting costs no extra request; the action is for every later connect that the
 * gateway's resume token does not cover.
 */
export default async function RoomsLayout({ children }: { children: ReactNode }) {
  if (!(await currentMember())) redirect("/");
  return (
    <WhiskProvider getToken={getChatToken} initialToken={await issueWsToken()} tokenRoute="/api/chat-token">
      {children}
    </WhiskProvider>
  );
}
