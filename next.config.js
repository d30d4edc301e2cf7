// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // augurs ships a WASM file and a worker script: load them from node_modules at run time
  // instead of letting the bundler copy (and break) them. See STACK notes in the README.
  serverExternalPackages: ['@bsull/augurs', '@bsull/augurs-prophet-wasmstan'],
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
