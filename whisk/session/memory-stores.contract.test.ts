import { runSessionStoreContract } from "../testing/contracts/session-store-contract";
import { runTokenStoreContract } from "../testing/contracts/token-store-contract";
import { MemorySessionStore } from "./memory-session-store";
import { MemoryTokenStore } from "./memory-token-store";

runTokenStoreContract("MemoryTokenStore", async () => ({ store: new MemoryTokenStore(), cleanup: async () => {} }));
runSessionStoreContract("MemorySessionStore", async () => ({ store: new MemorySessionStore(), cleanup: async () => {} }));
