/**
 * A socket.io client written by hand over a raw WebSocket, for attacks the real client will not
 * make: stop reading while still sending, send the same packet thousands of times, skip the Origin.
 * Speaks engine.io v4 ("0" open, "2"/"3" ping/pong, "4" message) and socket.io v5 ("0" CONNECT,
 * "2" EVENT, "3" ACK) as text frames.
 */
import WebSocket from "ws";

export interface RawSocket {
  ws: WebSocket;
  /** Text frames received so far (engine.io packets). */
  received: string[];
  /** Resolves when the server closes the connection, with how long after opening. */
  closed: Promise<number>;
  /** Sends a socket.io EVENT with an ack id. */
  emit(event: string, payload: unknown, ackId: number): void;
  /** Stops reading from the TCP socket: the server's writes pile up (a reader that stopped reading). */
  pause(): void;
  /** This end's TCP port, to find the connection in the kernel's tables. */
  localPort: number;
}

/** Opens an engine.io WebSocket connection (no socket.io CONNECT yet) and waits for its open packet. */
export async function openRaw(baseUrl: string, options: { origin?: string } = {}): Promise<RawSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/whisk/?EIO=4&transport=websocket`, {
    headers: options.origin ? { origin: options.origin } : {},
  });
  const received: string[] = [];
  const openedAt = Date.now();
  ws.on("message", (data) => received.push(data.toString()));
  const closed = new Promise<number>((resolve) => ws.once("close", () => resolve(Date.now() - openedAt)));
  await new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    ws.once("message", () => resolve());
  });
  const socket = (ws as unknown as { _socket: { localPort: number; pause(): void } })._socket;
  return {
    ws,
    localPort: socket.localPort,
    received,
    closed,
    emit(event, payload, ackId) {
      ws.send(`42${ackId}${JSON.stringify([event, payload])}`);
    },
    pause() {
      socket.pause();
    },
  };
}

/** Opens a raw connection and completes the socket.io handshake with `token`; resolves on the welcome. */
export async function connectRaw(baseUrl: string, token: string): Promise<RawSocket> {
  const raw = await openRaw(baseUrl, { origin: baseUrl });
  const welcomed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no welcome within 5 s")), 5_000);
    raw.ws.on("message", (data) => {
      if (!data.toString().startsWith('42["whisk.welcome"')) return;
      clearTimeout(timer);
      resolve();
    });
  });
  raw.ws.send(`40${JSON.stringify({ token })}`);
  await welcomed;
  return raw;
}
