"use client";

/**
 * The last resort: shown when the root layout itself throws, so it brings its own <html> and no
 * styles from the layout. `reset` renders the app again.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: "28rem", margin: "4rem auto", padding: "0 1.5rem" }}>
        <h1>Something went wrong</h1>
        <p>
          The app could not be shown. Try again; if it keeps happening, the server's log has the details
          {error.digest ? ` (reference ${error.digest})` : ""}.
        </p>
        <button type="button" onClick={reset}>
          Try again
        </button>
      </body>
    </html>
  );
}
