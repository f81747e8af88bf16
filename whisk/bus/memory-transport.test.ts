import { runTransportContract } from "../testing/contracts/transport-contract";
import { MemoryTransport } from "./memory-transport";

runTransportContract("MemoryTransport", async () => {
  const transport = new MemoryTransport();
  return { a: transport, b: transport, ready: async () => {}, cleanup: async () => {} };
});
