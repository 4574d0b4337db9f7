import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { lessonsPlugin } from './plugins/lessons.ts';

export default defineConfig({
  plugins: [react(), lessonsPlugin()],
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
});
