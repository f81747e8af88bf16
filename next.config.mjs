/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The custom server (server/main.ts) hosts Next; the header would only tell attackers the stack.
  poweredByHeader: false,
};

export default nextConfig;
