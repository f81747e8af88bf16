import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { OutboundBytes } from "./outbound-bytes";

/**
 * An engine.io connection as far as OutboundBytes sees it: packets in, flushes out, and a
 * WebSocket that can take a packet only while the kernel has taken all it was given before.
 */
class FakeConnection extends EventEmitter {
  readyState = "open";
  writeBuffer: { data?: unknown }[] = [];
  transport = {
    name: "websocket",
    socket: { bufferedAmount: 0 },
    get writable() {
      return this.socket.bufferedAmount === 0;
    },
  };
  close = vi.fn();

  /** engine.io's sendPacket: packetCreate, then into the buffer, then a flush if the transport can take it. */
  send(data: string) {
    const packet = { data };
    this.emit("packetCreate", packet);
    this.writeBuffer.push(packet);
    if (!this.transport.writable) return;
    this.emit("flush", this.writeBuffer);
    for (const each of this.writeBuffer) this.transport.socket.bufferedAmount += Buffer.byteLength(String(each.data));
    this.writeBuffer = [];
  }
}

describe("OutboundBytes", () => {
  it("counts bytes in engine.io's buffer and in the WebSocket's, in bytes not characters", () => {
    const outbound = new OutboundBytes({ budgetBytes: 1024 * 1024, onCut: () => {} });
    const connection = new FakeConnection();
    outbound.watch(connection);
    connection.send("é".repeat(1_000));
    expect(outbound.held(connection)).toBe(2_000);
    connection.send("x".repeat(500));
    expect(outbound.held(connection)).toBe(2_500);
    connection.transport.socket.bufferedAmount = 0;
    expect(outbound.held(connection)).toBe(0);
  });

  it("lists as holding only the connections that could not send a packet at once, until they catch up or close", () => {
    const outbound = new OutboundBytes({ budgetBytes: 1024 * 1024, onCut: () => {} });
    const [keepsUp, stalls, closes] = [new FakeConnection(), new FakeConnection(), new FakeConnection()];
    for (const connection of [keepsUp, stalls, closes]) outbound.watch(connection);
    // The kernel takes each packet before the next.
    for (let i = 0; i < 1_000; i++) {
      keepsUp.send("x");
      keepsUp.transport.socket.bufferedAmount = 0;
    }
    expect([...outbound.holding()]).toEqual([]);
    // The kernel has not taken their first packet: the second waits.
    for (const connection of [stalls, closes]) {
      connection.send("y");
      connection.send("y");
    }
    expect([...outbound.holding()]).toEqual([stalls, closes]);
    closes.readyState = "closed";
    expect([...outbound.holding()]).toEqual([stalls]);
    stalls.transport.socket.bufferedAmount = 0;
    expect([...outbound.holding()]).toEqual([]);
  });

  it("forgets closed connections even when nobody asks which are holding: 10,000 that lagged once, then closed", () => {
    const outbound = new OutboundBytes({ budgetBytes: 1024 * 1024, onCut: () => {} });
    const stalled = new FakeConnection();
    outbound.watch(stalled);
    stalled.send("y");
    stalled.send("y");
    for (let i = 0; i < 10_000; i++) {
      const connection = new FakeConnection();
      outbound.watch(connection);
      connection.send("y");
      connection.send("y");
      connection.readyState = "closed";
    }
    const held = [...(outbound as unknown as { lagging: Set<FakeConnection> }).lagging];
    expect(held.length).toBeLessThanOrEqual(1_024);
    expect(held).toContain(stalled);
  });

  it("cuts a connection once it holds more than its budget, once, whatever the packet count", async () => {
    const onCut = vi.fn();
    const outbound = new OutboundBytes({ budgetBytes: 100_000, onCut });
    const connection = new FakeConnection();
    outbound.watch(connection);
    // Two 60 KB answers to a reader that stopped reading: two packets, 120 KB.
    connection.send("x".repeat(60_000));
    expect(connection.close).not.toHaveBeenCalled();
    connection.send("x".repeat(60_000));
    connection.send("x".repeat(60_000));
    await new Promise((resolve) => process.nextTick(resolve));
    expect(connection.close).toHaveBeenCalledOnce();
    expect(connection.close).toHaveBeenCalledWith(true);
    expect(onCut).toHaveBeenCalledOnce();
    expect(onCut.mock.calls[0]?.[0]).toBe(120_000);
  });

  it("stops counting queued bytes once engine.io flushes them to the transport", () => {
    const outbound = new OutboundBytes({ budgetBytes: 100_000, onCut: () => {} });
    const connection = new FakeConnection();
    outbound.watch(connection);
    connection.transport.socket.bufferedAmount = 1; // the kernel is behind: packets wait in engine.io's buffer
    connection.send("x".repeat(40_000));
    connection.send("x".repeat(40_000));
    expect(outbound.held(connection)).toBe(80_001);
    // The kernel catches up and engine.io flushes (a new write buffer): the bytes are the WebSocket's now.
    connection.transport.socket.bufferedAmount = 0;
    connection.send("x".repeat(10));
    connection.transport.socket.bufferedAmount = 5;
    expect(outbound.held(connection)).toBe(5);
    // Counting starts again from nothing: 40 KB more is well under the budget.
    connection.send("x".repeat(40_000));
    expect(outbound.held(connection)).toBe(40_005);
    expect(connection.close).not.toHaveBeenCalled();
  });

  it("never cuts a reader that keeps up, however much it is sent in total", async () => {
    const outbound = new OutboundBytes({ budgetBytes: 100_000, onCut: () => {} });
    const connection = new FakeConnection();
    outbound.watch(connection);
    for (let i = 0; i < 1_000; i++) {
      connection.send("x".repeat(10_000));
      connection.transport.socket.bufferedAmount = 0; // the kernel took it
    }
    await new Promise((resolve) => process.nextTick(resolve));
    expect(connection.close).not.toHaveBeenCalled();
  });
});
