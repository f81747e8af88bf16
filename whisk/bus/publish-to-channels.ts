import { createHash } from "node:crypto";
import type { RedisConnection } from "../core/redis-connection";

/** Publishes its first argument on every channel named after it: one command, whatever the count. */
const PUBLISH_ON_EACH = "for i = 2, #ARGV do redis.call('PUBLISH', ARGV[i], ARGV[1]) end";
const PUBLISH_ON_EACH_SHA = createHash("sha1").update(PUBLISH_ON_EACH).digest("hex");

/**
 * Sends one bus message on each of its channels. On one Redis, several channels go in a single
 * script call rather than a pipeline of PUBLISHes: one command to build and one reply to read,
 * and the text written once (a pipeline costs the publisher more JavaScript than the PUBLISHes
 * themselves). On a Redis Cluster each channel lives on its own shard: one SPUBLISH each.
 */
export async function publishToChannels(redis: RedisConnection, channels: readonly string[], text: string): Promise<void> {
  if (redis.isCluster) {
    await Promise.all(channels.map((channel) => redis.spublish(channel, text)));
    return;
  }
  if (channels.length === 1) {
    await redis.publish(channels[0] as string, text);
    return;
  }
  try {
    await redis.evalsha(PUBLISH_ON_EACH_SHA, 0, text, ...channels);
  } catch (error) {
    // A Redis that has not seen the script yet (or was restarted, or flushed its scripts) learns it.
    if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
    await redis.eval(PUBLISH_ON_EACH, 0, text, ...channels);
  }
}
