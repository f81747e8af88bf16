import { getWsToken } from "@/app/actions";
import { HelloWorld } from "@/app/components/hello-world";
import { WhiskProvider } from "@/app/lib/whisk";

export default function HelloPage() {
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-6 p-6">
      <h1 className="text-2xl font-semibold">Hello, world</h1>
      <WhiskProvider getToken={getWsToken} tokenRoute="/api/ws-token">
        <HelloWorld />
      </WhiskProvider>
    </main>
  );
}
