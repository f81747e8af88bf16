import type { z } from "zod";
import type { Address } from "../core/address";
import { createEnvelope, type Envelope } from "../core/envelope";
import { checkPayload, type Queue, type Topic } from "./topic";
import type { BusTransport, Unsubscribe } from "./transport";

/**
 * A saved destination. Every method returns a new target, so a target kept in a variable can be
 * reused safely, as with socket.io's broadcast operator.
 *
 * @example
 * const room = bus.to(toRoom("beach")).except(ctx.socket.id);
 * await room.publish(chat.topics.message, { text: "hi" });
 */
export class BusTarget {
  constructor(
    private readonly bus: Bus,
    private readonly addresses: readonly Address[],
    private readonly excluded: readonly string[],
  ) {}

  to(...addresses: Address[]): BusTarget {
    return new BusTarget(this.bus, [...this.addresses, ...addresses], this.excluded);
  }

  except(...socketIds: string[]): BusTarget {
    return new BusTarget(this.bus, this.addresses, [...this.excluded, ...socketIds]);
  }

  async publish<S extends z.ZodType>(target: Topic<string, S>, payload: z.input<S>): Promise<void> {
    return this.bus.publishEnvelope(target.name, checkPayload(target, payload), this.addresses, this.excluded);
  }
}

/**
 * The message bus every Whisk process shares: fan-out to addressed sockets through the gateways
 * that hold them, and work queues for workers. The transport (memory or Redis) only carries.
 */
export class Bus {
  constructor(
    private readonly transport: BusTransport,
    readonly nodeId: string,
  ) {}

  /** Messages for everyone on every gateway. */
  everyone(): BusTarget {
    return new BusTarget(this, [], []);
  }

  to(...addresses: Address[]): BusTarget {
    return new BusTarget(this, addresses, []);
  }

  /** Hands a job to exactly one worker consuming `target`. */
  async send<S extends z.ZodType>(target: Queue<string, S>, payload: z.input<S>): Promise<void> {
    const envelope = createEnvelope({
      topic: target.name,
      payload: checkPayload(target, payload),
      to: [],
      except: [],
      from: { nodeId: this.nodeId },
    });
    await this.transport.enqueue(target.name, envelope);
  }

  /** Gateways listen here; every envelope published anywhere arrives once per listener. */
  onPublished(listener: (envelope: Envelope) => void): Unsubscribe {
    return this.transport.subscribe(listener);
  }

  /** Workers listen here; each envelope of `queueName` goes to one consumer. */
  onQueue(queueName: string, handler: (envelope: Envelope) => Promise<void>): Unsubscribe {
    return this.transport.consume(queueName, handler);
  }

  /** @internal Used by BusTarget; prefer `to(...).publish(...)`. */
  async publishEnvelope(topicName: string, payload: unknown, to: readonly Address[], except: readonly string[]) {
    await this.transport.publish(
      createEnvelope({ topic: topicName, payload, to: [...to], except: [...except], from: { nodeId: this.nodeId } }),
    );
  }

  /** Publishes a raw topic with no schema; for Whisk's own control topics. */
  async publishControl(topicName: string, payload: unknown, to: Address[]) {
    await this.publishEnvelope(topicName, payload, to, []);
  }
}
