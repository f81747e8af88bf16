/**
 * Test helpers for apps built on Whisk: start the real server as a process, find free ports.
 *
 * @example
 * const server = await startServerProcess();
 * const response = await fetch(`${server.url}/healthz`);
 * await server.stop();
 */
export { freePort } from "./free-port";
export { type ServerProcess, type ServerProcessOptions, startServerProcess } from "./server-process";
