import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { lessonsPlugin } from './plugins/lessons.ts';

export default defineConfig({
  plugins: [react(), lessonsPlugin()],
  server: { port: 5173 },
  preview: { port: 4173, strictPort: true },
  build: {
    rolldownOptions: {
      output: {
        // Chunking only, for caching and for reading the bundle (npm run bench lists the chunks a
        // lesson loads): React and the compiled lessons change at different paces than the app.
        // Both are needed for the first paint either way; msw and the blocks stay lazy.
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'lessons', test: /virtual:lessons/ },
          ],
        },
      },
    },
  },
});
