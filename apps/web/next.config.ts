import type { NextConfig } from 'next';

const config: NextConfig = {
  transpilePackages: ['@epoch/contracts'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
