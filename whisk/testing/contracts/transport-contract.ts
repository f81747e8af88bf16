import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BusTransport } from "../../bus/transport";
import { everyone, toRoom, toUser } from "../../core/address";
import { createEnvelope, type Envelope } from "../../core/envelope";

/**
 * Two views of one bus, as two processes would have. For the memory transport both are the
 * same object; for Redis they are two transports on two connections.
 */
export interface TransportPair {
  a: BusTransport;
  b: BusTransport;
  /** Resolves once both can receive what is published from now on. */
  ready(): Promise<void>;
  cleanup(): Promise<void>;
}

const job = (n: number): Envelope => createEnvelope({ topic: "q.job", payload: { n }, to: [], except: [], from: { nodeId: "test" } });

/** What every BusTransport must do; run by the memory and the Redis transport alike. */
export function runTransportContract(name: string, make: () => Promise<TransportPair>) {
  describe(`${name} (BusTransport contract)`, () => {
    let pair: TransportPair;
    beforeEach(async () => {
      pair = await make();
    });
    afterEach(async () => {
      await pair.a.close();
      await pair.b.close();
      await pair.cleanup();
    });

    it("fans a published envelope out to every subscriber that follows its address, on every transport, intact", async () => {
      const onA = vi.fn();
      const onB = vi.fn();
      pair.a.subscribe(onA);
      pair.b.subscribe(onB);
      // A transport with targeted delivery brings what a process follows; one without, everything.
      await Promise.all([pair.a.follow?.(toUser("u")), pair.b.follow?.(toUser("u"))]);
      await pair.ready();
      const envelope = createEnvelope({
        topic: "t.x",
        payload: { deep: [1, { two: 2 }] },
        to: [{ kind: "user", userId: "u" }],
        except: ["s1"],
        from: { nodeId: "n" },
      });
      await pair.a.publish(envelope);
      await vi.waitFor(() => expect(onB).toHaveBeenCalledTimes(1));
      await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(1));
      expect(onB).toHaveBeenCalledWith(envelope);
    });

    it("brings an envelope for everyone to every subscriber, following nothing", async () => {
      const onA = vi.fn();
      const onB = vi.fn();
      pair.a.subscribe(onA);
      pair.b.subscribe(onB);
      await pair.ready();
      await pair.b.publish(createEnvelope({ topic: "t.all", payload: {}, to: [everyone()], except: [], from: { nodeId: "n" } }));
      await vi.waitFor(() => expect(onA).toHaveBeenCalledTimes(1));
      await vi.waitFor(() => expect(onB).toHaveBeenCalledTimes(1));
    });

    it("brings an envelope for several addresses a subscriber follows once", async () => {
      const onB = vi.fn();
      pair.b.subscribe(onB);
      await Promise.all([pair.b.follow?.(toUser("ann")), pair.b.follow?.(toUser("ben")), pair.b.follow?.(toRoom("beach"))]);
      await pair.ready();
      const to = [toUser("ann"), toUser("ben"), toRoom("beach")];
      await pair.a.publish(createEnvelope({ topic: "t.many", payload: {}, to, except: [], from: { nodeId: "n" } }));
      await pair.a.publish(createEnvelope({ topic: "t.after", payload: {}, to: [toUser("ann")], except: [], from: { nodeId: "n" } }));
      await vi.waitFor(() => expect(onB).toHaveBeenCalledTimes(2));
      expect(onB.mock.calls.map(([envelope]) => (envelope as Envelope).topic)).toEqual(["t.many", "t.after"]);
    });

    it("hands each of 200 jobs to exactly one consumer, across transports", async () => {
      const seen: number[] = [];
      const byA: number[] = [];
      pair.a.consume("jobs", async (envelope) => {
        const n = (envelope.payload as { n: number }).n;
        seen.push(n);
        byA.push(n);
      });
      pair.b.consume("jobs", async (envelope) => {
        seen.push((envelope.payload as { n: number }).n);
      });
      for (let n = 0; n < 200; n++) await pair.a.enqueue("jobs", job(n));
      await vi.waitFor(() => expect(seen).toHaveLength(200), { timeout: 10_000 });
      expect(new Set(seen).size).toBe(200);
    });

    it("keeps jobs sent before any consumer, and delivers them when one starts", async () => {
      await pair.a.enqueue("later", job(1));
      await pair.a.enqueue("later", job(2));
      const seen: number[] = [];
      pair.b.consume("later", async (envelope) => void seen.push((envelope.payload as { n: number }).n));
      await vi.waitFor(() => expect(seen.sort()).toEqual([1, 2]), { timeout: 10_000 });
    });

    it("keeps queues apart", async () => {
      const inX: string[] = [];
      pair.a.consume("x", async (envelope) => void inX.push(envelope.topic));
      await pair.b.enqueue("y", job(1));
      await pair.b.enqueue("x", createEnvelope({ topic: "for.x", payload: {}, to: [], except: [], from: { nodeId: "n" } }));
      await vi.waitFor(() => expect(inX).toEqual(["for.x"]), { timeout: 10_000 });
    });
  });
}
