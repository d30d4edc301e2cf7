// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // augurs ships a WASM file and a worker script, zstd-napi a native addon built at install: load them from
  // node_modules at run time instead of letting the bundler copy (and break) them. See STACK notes in the README.
  serverExternalPackages: ['@bsull/augurs', '@bsull/augurs-prophet-wasmstan', 'zstd-napi'],
  poweredByHeader: false,
  reactStrictMode: true,
  // Safe defaults on every answer: no page of this service may be framed by another site (the dashboard's Clear and
  // Retrain buttons could otherwise be clickjacked), and browsers never guess a content type.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
