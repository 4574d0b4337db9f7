/**
 * "Export as Playwright test" produces a spec that really runs, the way the panel says: export
 * one from the page, download it, put it where the panel says in a fresh copy of this checkout,
 * and run the exact command the panel shows, as a shell would. A copy whose expectation was
 * changed must fail the same way (so the exported assertions can fail at all).
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * A fresh checkout of this repository: its tracked files as they are now (a clone), and
 * node_modules (what `npm install` gives it). No build, no test results, nothing untracked. In the
 * system's temporary folder, so no other Playwright run here empties it.
 */
function freshCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccp-checkout-'));
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  expect(listed.status, listed.stderr).toBe(0);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * A shell's environment: this one without what Playwright sets for its own workers (a child run
 * that inherits them takes itself for one of our workers) and without this run's own settings.
 */
function shellEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^(TEST_|PW_|PWTEST_|PLAYWRIGHT_)/.test(name) && !['CI', 'CCP_OUT_DIR'].includes(name),
    ),
  );
}

/** Run `command` with sh in `cwd`, as a tester pastes it. */
function shell(command: string, cwd: string) {
  return spawnSync('sh', ['-c', command], {
    cwd,
    env: shellEnv(),
    encoding: 'utf8',
    timeout: 150_000,
  });
}

test('a request panel exports a Playwright spec that passes with the command it shows, and fails when its expectation is wrong', async ({
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

  // The command names this playground and where the file goes in a checkout.
  const baseURL = testInfo.project.use.baseURL;
  expect(baseURL, 'the project has a baseURL').toBeTruthy();
  const command = exported.getByRole('code');
  await expect(command).toHaveText(
    `PLAYGROUND_URL=${new URL('/', baseURL).href} npx playwright test e2e/after.spec.ts`,
  );
  await expect(exported).toContainText('Save it as e2e/after.spec.ts in a checkout');
  const run = (await command.textContent()) ?? '';
  // The spec says the same, so a downloaded file carries its own instructions.
  await expect(code).toHaveValue(new RegExp(`\\n \\* {3}${escapeRegExp(run)}\\n`));

  const downloading = app.page.waitForEvent('download');
  await exported.getByRole('button', { name: 'Download after.spec.ts' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('after.spec.ts');

  const checkout = freshCheckout();
  try {
    await download.saveAs(join(checkout, 'e2e', 'after.spec.ts'));
    const spec = readFileSync(join(checkout, 'e2e', 'after.spec.ts'), 'utf8');
    expect(spec).toBe(await code.inputValue());

    const passed = shell(run, checkout);
    expect(passed.error, 'the command ran').toBeUndefined();
    expect(passed.stdout, passed.stderr).toMatch(/\b1 passed\b/);
    expect(passed.status, passed.stdout).toBe(0);

    // The same spec, expecting the request to still succeed after the revocation.
    const wrong = spec.replace(
      '"expect":{"status":401,"error":"invalid_token"',
      '"expect":{"status":200',
    );
    expect(wrong).not.toBe(spec);
    writeFileSync(join(checkout, 'e2e', 'wrong-expectation.spec.ts'), wrong);
    const failed = shell(
      run.replace('e2e/after.spec.ts', 'e2e/wrong-expectation.spec.ts'),
      checkout,
    );
    expect(failed.stdout, failed.stderr).toMatch(/\b1 failed\b/);
    expect(failed.stdout).toContain(
      'The API, after revocation (GET https://api.example.com/api/v1/users) answered 401',
    );
    expect(failed.status).toBe(1);
  } finally {
    rmSync(checkout, { recursive: true, force: true });
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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
  await expect(panel).toContainText('signs with a key pair this page made');
  // Pressed again, the panel closes.
  await assertion.button('Export as Playwright test').click();
  await expect(panel).toBeHidden();
});
