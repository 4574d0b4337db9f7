/**
 * `npm run conformance -- --issuer <url> --client-id <id> --client-secret <secret>`: run the
 * client credentials checklist against any RFC 8414 / OpenID discovery server and print a report.
 * The checks live in src/conformance (fetch + jose only); this file is the Node shell around
 * them: arguments, the key file, output and the exit code.
 */
import { readFile } from 'node:fs/promises';
import { loadAssertionKey } from '../src/conformance/client-auth.ts';
import { formatReport, formatReportJson } from '../src/conformance/format-report.ts';
import { parseConformanceArgs, USAGE } from '../src/conformance/options.ts';
import { runConformance } from '../src/conformance/run-conformance.ts';

const parsed = parseConformanceArgs(process.argv.slice(2), process.env);
if (parsed.kind === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.kind === 'error') {
  console.error(`${parsed.message}\n\nRun with --help for the options.`);
  process.exit(2);
}
const { options } = parsed;
if (options.privateKeyFile !== undefined) {
  try {
    options.privateKey = await readFile(options.privateKeyFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      `--private-key ${options.privateKeyFile}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not allowed to read it' : (error as Error).message}`,
    );
    process.exit(2);
  }
  // A key that cannot sign is a usage error, said before any request is sent.
  try {
    await loadAssertionKey(options.privateKey, {
      ...(options.alg ? { alg: options.alg } : {}),
      ...(options.kid ? { kid: options.kid } : {}),
    });
  } catch (error) {
    console.error(`--private-key ${options.privateKeyFile}: ${(error as Error).message}`);
    process.exit(2);
  }
}

try {
  const report = await runConformance(options);
  process.stdout.write(
    options.json
      ? formatReportJson(report)
      : formatReport(report, {
          color: options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR),
        }),
  );
  process.exitCode = report.exitCode;
} catch (error) {
  // The runner records failures as results; reaching here is a bug, still said in one line.
  console.error(`conformance: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
