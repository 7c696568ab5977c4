/** Entry of `npm run generate`; see run.ts. */
import { expandPrompt } from '../src/architectures/tessera-tiny/promptExpansion';
import { firstRefusal } from '../src/safety/promptPolicy';
import { parseCliArgs } from './args';
import { runCli } from './run';

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

const refusal = policyRefusal(process.argv.slice(2));
if (refusal) {
  process.stderr.write(`error: ${refusal}\n`);
  process.exitCode = 3;
} else {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  });
}
