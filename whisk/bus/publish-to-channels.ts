import type { RedisConnection } from "../core/redis-connection";
import { redisScript } from "../core/redis-script";

/** Publishes its first argument on every channel named after it: one command, whatever the count. */
const publishOnEach = redisScript("for i = 2, #ARGV do redis.call('PUBLISH', ARGV[i], ARGV[1]) end");

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
  await publishOnEach(redis, [], [text, ...channels]);
}
