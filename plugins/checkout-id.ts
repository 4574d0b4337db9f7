/**
 * Which checkout a running preview server belongs to. Playwright reuses a server already listening
 * on its port (outside CI); without a check, a preview started from another clone of this
 * repository — another branch, another build — would be tested instead, silently. The preview
 * server answers `GET /__checkout/<id>` with 200 only for its own checkout's id, and
 * playwright.config.ts waits for its own id: another checkout's server answers 404, Playwright
 * tries to start its own on the port, and `--strictPort` stops it with "port in use".
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import type { Plugin } from 'vite';

/** A short id for the checkout at `root` (its real path, hashed). */
export function checkoutId(root: string): string {
  return createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 16);
}

export function checkoutIdPlugin(): Plugin {
  return {
    name: 'ccp:checkout-id',
    configurePreviewServer(server) {
      const own = `/__checkout/${checkoutId(server.config.root)}`;
      server.middlewares.use((request, response, next) => {
        if (!request.url?.startsWith('/__checkout/')) return next();
        response.statusCode = request.url === own ? 200 : 404;
        response.setHeader('content-type', 'text/plain');
        response.end(request.url === own ? 'this checkout\n' : 'another checkout\n');
      });
    },
  };
}
