import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server (src/app.ts) serves web/dist: the files as they are, and index.html for any
// other page address, so the app routes on the client.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      // Two pages, two bundles: customers on slow phones load only web/src/customer (no
      // dashboard code, no charts); the server picks the page by path (src/app.ts).
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        customer: fileURLToPath(new URL('customer.html', import.meta.url)),
      },
      // React, which both pages share, in a chunk of its own name (cached across the two).
      output: { codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] } },
    },
  },
});
