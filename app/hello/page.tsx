import { pageWsToken } from "whisk/next";
import { getWsToken } from "@/app/actions";
import { HelloWorld } from "@/app/components/hello-world";
import { WhiskProvider } from "@/app/lib/whisk";

/**
 * A returning visitor's first token comes with the page, so it connects with no token request;
 * a first visit has no session yet, and its provider asks the action (which makes a guest).
 */
export default async function HelloPage() {
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-6 p-6">
      <h1 className="text-2xl font-semibold">Hello, world</h1>
      <WhiskProvider getToken={getWsToken} initialToken={await pageWsToken()} tokenRoute="/api/ws-token">
        <HelloWorld />
      </WhiskProvider>
    </main>
  );
}
