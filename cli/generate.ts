/** Entry of `npm run generate`; see run.ts. */
import { runCli } from './run';
import { runStoryboardCli } from './storyboard';
import { isStoryboardCommand } from './storyboardArgs';

// `npm run` starts scripts in the package root; relative --out and --model paths mean where the user typed.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const argv = process.argv.slice(2);
const io = {
  stdout: (line: string) => process.stdout.write(`${line}\n`),
  stderr: (line: string) => process.stderr.write(`${line}\n`),
};
// A storyboard holds its own prompts and checks each against the policy (cli/storyboard.ts); a
// single generation checks its prompt, expanded by the pack's architecture, before the model loads
// and ends with status 3 when the policy refuses it (run.ts).
process.exitCode = isStoryboardCommand(argv) ? await runStoryboardCli(argv, io) : await runCli(argv, io);
