/**
 * What a room shows while its page renders (Next's loading convention). It sits under
 * app/rooms/[room]/ and not at the root: the redirects and 404s above it (rooms/layout.tsx,
 * [room]/layout.tsx) run before it, so they keep their real status codes.
 */
export default function RoomLoading() {
  return (
    <main className="mx-auto flex min-h-screen max-w-5xl items-center justify-center p-6">
      <p aria-busy="true" className="text-zinc-600 dark:text-zinc-400">
        Opening the room…
      </p>
    </main>
  );
}
