/**
 * "Export as Playwright test" produces a spec that really runs: export one from the page,
 * download it, and run it with Playwright against this same app — next to a copy whose
 * expectation was changed, which must fail (so the exported assertions can fail at all).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));
const PLAYWRIGHT_CLI = join(NODE_MODULES, '@playwright/test/cli.js');

interface JsonReport {
  suites: {
    specs: {
      file: string;
      ok: boolean;
      tests: { results: { error?: { message?: string } }[] }[];
    }[];
  }[];
  errors: { message?: string }[];
}

/**
 * This process's environment without what Playwright sets for its own workers (a child run
 * that inherits them takes itself for one of our workers and finds no tests).
 */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(TEST_|PW_|PWTEST_|PLAYWRIGHT_TEST)/.test(name) && name !== 'CI',
    ),
  );
}

test('a request panel exports a Playwright spec that passes against the app, and fails when its expectation is wrong', async ({
  app,
  lesson,
  mockReady: _,
}, testInfo) => {
  test.slow(); // the exported specs run in a second Playwright process, with its own browser
  await app.open('/lessons/revocation');
  await app.waitForMockServers();
  await lesson.waitForBlocks();

  // The block after the revocation: it only answers 401 once the steps before it have run.
  const after = lesson.request('The API, after revocation');
  await after.button('Export as Playwright test').click();
  await expect(after.button('Export as Playwright test')).toHaveAttribute('aria-expanded', 'true');
  const exported = after.root.getByRole('region', { name: 'Playwright test after.spec.ts' });
  await expect(exported).toContainText('replays the 3 earlier requests of this lesson');
  const code = exported.getByRole('textbox', { name: 'after.spec.ts' });
  await expect(code).toHaveValue(
    /const REQUEST: Step = .*"expect":\{"status":401,"error":"invalid_token"/,
  );

  const downloading = app.page.waitForEvent('download');
  await exported.getByRole('button', { name: 'Download after.spec.ts' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('after.spec.ts');

  const dir = testInfo.outputPath('exported');
  mkdirSync(dir, { recursive: true });
  await download.saveAs(join(dir, 'after.spec.ts'));
  const spec = readFileSync(join(dir, 'after.spec.ts'), 'utf8');
  expect(spec).toBe(await code.inputValue());
  // The same spec, but expecting the request to still succeed after the revocation.
  const wrong = spec.replace(
    '"expect":{"status":401,"error":"invalid_token"',
    '"expect":{"status":200',
  );
  expect(wrong).not.toBe(spec);
  writeFileSync(join(dir, 'wrong-expectation.spec.ts'), wrong);

  // A bare config, as a tester's own project would have: the browser settings of this run, no
  // web server (the app is already served), the URL through PLAYGROUND_URL as the spec says.
  const launchOptions = testInfo.project.use.launchOptions ?? {};
  writeFileSync(
    join(dir, 'playwright.config.ts'),
    [
      "import { defineConfig } from '@playwright/test';",
      'export default defineConfig({',
      "  testDir: '.',",
      // Its own results folder: the default one is the project's test-results/, which a run
      // empties first, and this spec's files live there.
      "  outputDir: './results',",
      '  timeout: 60_000,',
      '  workers: 1,',
      `  use: { launchOptions: ${JSON.stringify(launchOptions)} },`,
      '});',
    ].join('\n'),
  );
  const baseURL = testInfo.project.use.baseURL;
  expect(baseURL, 'the project has a baseURL').toBeTruthy();
  // This project's Playwright, run by this Node: wherever the output folder is (even outside
  // the project), the specs find @playwright/test through NODE_PATH, and nothing is downloaded.
  const run = spawnSync(
    process.execPath,
    [PLAYWRIGHT_CLI, 'test', '-c', 'playwright.config.ts', '--reporter=json'],
    {
      cwd: dir,
      env: { ...childEnv(), PLAYGROUND_URL: baseURL, NODE_PATH: NODE_MODULES },
      encoding: 'utf8',
      timeout: 150_000,
    },
  );
  expect(run.error, 'the exported specs ran').toBeUndefined();
  expect(run.stdout.trim(), `no JSON report; stderr:\n${run.stderr}`).toMatch(/^\{/);
  const report = JSON.parse(run.stdout) as JsonReport;
  expect(report.errors, run.stderr).toEqual([]);
  const outcome = Object.fromEntries(
    report.suites.flatMap((suite) => suite.specs.map((s) => [s.file, s.ok])),
  );
  expect(outcome, run.stdout).toEqual({
    'after.spec.ts': true,
    'wrong-expectation.spec.ts': false,
  });
  const failure = report.suites
    .flatMap((suite) => suite.specs)
    .find((s) => s.file === 'wrong-expectation.spec.ts')?.tests[0]?.results[0]?.error?.message;
  expect(failure).toContain(
    'The API, after revocation (GET https://api.example.com/api/v1/users) answered 401',
  );
  expect(run.status).toBe(1);
});

test('a request signed with the page’s own key cannot be exported, and the panel says why', async ({
  app,
  lesson,
  mockReady: _,
}) => {
  await app.open('/lessons/sending-credentials');
  await app.waitForMockServers();
  await lesson.waitForBlocks();
  const assertion = lesson.request('signing-client proves itself with a signature');
  await assertion.button('Export as Playwright test').click();
  const panel = assertion.root.getByRole('region', { name: 'Playwright test' });
  await expect(panel).toContainText('Cannot export this request');
  await expect(panel).toContainText('signs a client assertion');
  // Pressed again, the panel closes.
  await assertion.button('Export as Playwright test').click();
  await expect(panel).toBeHidden();
});
