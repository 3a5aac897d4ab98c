// Vite build of the web client: sources in client/, output into public/ (served by the app at /).
import fs from 'node:fs'
import path from 'node:path'
import { defineConfig } from 'vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'

const root = path.resolve(__dirname, 'client')
const outDir = path.resolve(__dirname, 'public')

// public/ may hold files the server needs besides the client, so the build does not empty it; it only
// replaces its own hashed bundles, or they would pile up with every build.
const cleanOwnAssets = (): Plugin => ({
  name: 'chatboard-clean-assets',
  apply: 'build',
  buildStart() {
    fs.rmSync(path.join(outDir, 'assets'), { recursive: true, force: true })
  }
})

export default defineConfig({
  root,
  // Vite's own "public" folder (copied verbatim) would be our output folder; the client has none.
  publicDir: false,
  plugins: [react(), cleanOwnAssets()],
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600
  },
  server: { proxy: { '/socket.io': { target: 'http://localhost:3030', ws: true } } }
})
