import { describe, expect, it } from "vitest";
import { allowedDevOrigins } from "@/next.config";

describe("next.config.ts: allowedDevOrigins, from the same setting as the gateway's origins", () => {
  it("allows localhost and 127.0.0.1 when WHISK_ALLOWED_ORIGINS is unset or empty, as server/env.ts does", () => {
    expect(allowedDevOrigins(undefined)).toEqual(["localhost", "127.0.0.1"]);
    expect(allowedDevOrigins("")).toEqual(["localhost", "127.0.0.1"]);
  });

  it("allows the hosts of the listed origins, a LAN address included, each once", () => {
    const origins = "http://localhost:3000, http://127.0.0.1:3000,http://192.168.1.20:3000,https://chat.example.com";
    expect(allowedDevOrigins(origins)).toEqual(["localhost", "127.0.0.1", "192.168.1.20", "chat.example.com"]);
  });

  it("skips what is not an origin instead of failing the start", () => {
    expect(allowedDevOrigins("not a url,http://10.0.0.5:3000")).toEqual(["10.0.0.5"]);
  });
});
