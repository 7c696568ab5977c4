/** Entry of `npm run generate`; see run.ts. */
import { runCli } from './run';

// `npm run` starts scripts in the package root; relative --out and --model paths mean where the user typed.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
