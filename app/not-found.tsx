import Link from "next/link";

/** What an unknown address shows (and any page that calls `notFound()`, e.g. a room that does not exist). */
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center gap-4 p-6">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">There is nothing at this address.</p>
      <Link href="/" className="self-start underline">
        Go to the start page
      </Link>
    </main>
  );
}
