import { redirect } from "next/navigation";
import { currentMember } from "whisk/next";
import { DEFAULT_ROOM } from "@/server/rooms";
import { sessionData } from "@/server/session-data";
import { SignInForm } from "./components/sign-in-form";

/** The front door: signed-in people go to their room, everyone else (guests too) picks a display name. */
export default async function Home() {
  const session = await currentMember();
  if (session) {
    // A stored room that is no longer one of ours reads as none.
    redirect(`/rooms/${sessionData.read(session.data).room ?? DEFAULT_ROOM}`);
  }
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-6 p-6">
      <div>
        <h1 className="text-3xl font-semibold">Whisk Chat</h1>
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">Four rooms, everyone live. Pick a name to join.</p>
      </div>
      <SignInForm />
    </main>
  );
}
