/** Shown while a page's server work (the session, a room's check) is under way. */
export default function Loading() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center p-6" aria-busy="true">
      {/* Not role="status": that is the connection's, which tests and screen readers read. */}
      <p className="text-zinc-600 dark:text-zinc-400">Loading…</p>
    </main>
  );
}
