import { vi } from "vitest";
import type { RedisServerProcess } from "whisk/testing";

export type Phase = "before" | "during" | "after";

/**
 * Sends a message every 100 ms (under the per-socket rate limit) while Redis is killed, stays
 * down 1.5 s, and starts again: half a second before, the outage, until the server is ready
 * again, and a second after. Says which message went in which phase, and how soon the server at
 * `serverUrl` was ready after Redis returned.
 */
export async function restartRedisUnderTraffic(
  redis: RedisServerProcess,
  serverUrl: string,
  send: (text: string) => void,
): Promise<{ sent: { text: string; phase: Phase }[]; readyAfterMs: number }> {
  const sent: { text: string; phase: Phase }[] = [];
  let phase: Phase = "before";
  let running = true;
  const traffic = (async () => {
    for (let i = 0; running; i++) {
      const text = `m${i}`;
      sent.push({ text, phase });
      send(text);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 500));
  phase = "during";
  await redis.kill();
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const restartedAt = Date.now();
  await redis.start();
  await vi.waitFor(
    async () => {
      if ((await fetch(`${serverUrl}/readyz`)).status !== 200) throw new Error("not ready yet");
    },
    { timeout: 15_000, interval: 50 },
  );
  const readyAfterMs = Date.now() - restartedAt;
  phase = "after";
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  running = false;
  await traffic;
  return { sent, readyAfterMs };
}
