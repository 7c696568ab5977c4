/** Entry of `npm run generate`; see run.ts. */
import { expandPrompt } from '../src/architectures/tessera-tiny/promptExpansion';
import { firstRefusal } from '../src/safety/promptPolicy';
import { parseCliArgs } from './args';
import { runCli } from './run';
import { runStoryboardCli } from './storyboard';
import { isStoryboardCommand } from './storyboardArgs';

/** The prompt policy (src/safety): a refused prompt, expanded prompt or negative prompt ends with status 3. */
function policyRefusal(argv: readonly string[]): string | null {
  let options;
  try {
    options = parseCliArgs(argv);
  } catch {
    return null; // runCli reports command-line mistakes
  }
  if (options === 'help') return null;
  const negativePrompt = 'negative' in options ? options.negative : undefined;
  return firstRefusal({ prompt: options.prompt, expandedPrompt: expandPrompt(options.prompt).caption, negativePrompt })?.message ?? null;
}

// `npm run` starts scripts in the package root; relative --out and --model paths mean where the user typed.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const argv = process.argv.slice(2);
const io = {
  stdout: (line: string) => process.stdout.write(`${line}\n`),
  stderr: (line: string) => process.stderr.write(`${line}\n`),
};
if (isStoryboardCommand(argv)) {
  // A storyboard holds its own prompts and checks each against the policy (cli/storyboard.ts).
  process.exitCode = await runStoryboardCli(argv, io);
} else {
  const refusal = policyRefusal(argv);
  if (refusal) {
    process.stderr.write(`error: ${refusal}\n`);
    process.exitCode = 3;
  } else {
    process.exitCode = await runCli(argv, io);
  }
}
