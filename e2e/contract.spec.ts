/**
 * The contract suite (test/contract/suite.ts) in its third runtime: the real page, with every
 * request sent by the page's own `fetch` and answered by the MSW service worker. The same cases
 * run in Node against the handlers (test/contract/handlers.test.ts) and over real HTTP
 * (test/contract/http.test.ts).
 *
 * Besides each case's own assertions, every answer must have come from the service worker
 * (`response.fromServiceWorker()`): a request that slipped past it to the network would fail here.
 */
import type { Page } from '@playwright/test';
import { type ContractResponse, type ContractTarget, contractCases } from '../test/contract/suite';
import { AppPage, expect, fetchInPage, type PageFetchInit, test } from './fixtures';

const ISSUER = 'https://auth.example.com';
const API = 'https://api.example.com';
const CI = 'https://ci.example.com';

/** RequestInit (as the cases write it) to the JSON-serializable shape the page can take. */
function toPageInit(init: RequestInit = {}): PageFetchInit {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  let body: string | undefined;
  if (typeof init.body === 'string') body = init.body;
  else if (init.body instanceof URLSearchParams) {
    body = init.body.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
  } else if (init.body != null) {
    throw new TypeError('contract cases in the page send string or URLSearchParams bodies');
  }
  return { method: init.method, headers, body };
}

function pageTarget(page: Page, fromWorker: { checked: number; missed: string[] }): ContractTarget {
  const send = async (url: string, init?: RequestInit): Promise<ContractResponse> => {
    const result = await fetchInPage(page, url, toPageInit(init));
    fromWorker.checked++;
    if (!result.fromServiceWorker) fromWorker.missed.push(`${init?.method ?? 'GET'} ${url}`);
    const response: ContractResponse = {
      status: result.status,
      headers: result.headers,
      text: result.text,
    };
    const type = result.headers['content-type'] ?? '';
    if (result.text !== '' && /^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      response.json = JSON.parse(result.text);
    }
    return response;
  };
  return {
    issuer: ISSUER,
    api: API,
    audience: API,
    ci: CI,
    fetch: send,
    async adminReset() {
      const reset = await send(`${ISSUER}/__admin/reset`, { method: 'POST' });
      if (reset.status !== 200) throw new Error(`reset answered ${reset.status}`);
    },
  };
}

test.describe('contract, in the page through the service worker', () => {
  test.describe.configure({ mode: 'serial' });

  let page: Page;
  const fromWorker = { checked: 0, missed: [] as string[] };
  let target: ContractTarget;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    const app = new AppPage(page);
    await app.open('/server');
    await app.waitForMockServers();
    target = pageTarget(page, fromWorker);
  });

  test.afterAll(async () => {
    await page.close();
  });

  for (const c of contractCases) {
    test(c.name, async () => {
      await target.adminReset();
      fromWorker.missed.length = 0;
      await c.run(target, expect);
      expect(fromWorker.missed, 'answers that did not come from the service worker').toEqual([]);
    });
  }

  test('every answer came from the service worker', () => {
    expect(fromWorker.checked).toBeGreaterThan(contractCases.length);
  });
});
