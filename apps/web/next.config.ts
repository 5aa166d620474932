import type { NextConfig } from 'next';

const config: NextConfig = {
  transpilePackages: ['@epoch/contracts', '@epoch/model-spec'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
