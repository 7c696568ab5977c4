/**
 * Step 1 of a render: the prompt the model will read, and the safety policy on every text it could
 * see. The architecture says what of a prompt its tokenizer can read, and expands it here once (when
 * the request asks and the architecture has an expansion), so the policy checks exactly the caption
 * the sampler gets.
 */
import type { Architecture, PromptExpansion } from '../pipeline/architecture';
import { PipelineError } from '../pipeline/errors';
import { assertPromptsAllowed } from '../safety/promptPolicy';

export interface PromptSettings {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly expandPrompt: boolean;
}

/** The text the model is conditioned on, and the expansion that made it (null when none ran). */
export interface CheckedPrompt {
  readonly caption: string;
  readonly expansion: PromptExpansion | null;
}

/** What of an architecture the prompt check uses. */
export type PromptRules = Pick<Architecture, 'name' | 'checkPrompt' | 'expandPrompt'>;

/**
 * @throws PipelineError (`invalid-prompt`) for a prompt the model cannot read or an expansion the
 *   architecture does not offer; PolicyRefusalError for a refused text
 */
export function checkPrompts(settings: PromptSettings, architecture: PromptRules): CheckedPrompt {
  architecture.checkPrompt?.(settings.prompt);
  const expand = architecture.expandPrompt;
  if (settings.expandPrompt && !expand) throw new PipelineError('invalid-prompt', `the ${architecture.name} model offers no prompt expansion; generate without it`);
  const expansion = settings.expandPrompt && expand ? expand(settings.prompt) : null;
  const caption = expansion?.caption ?? settings.prompt;
  assertPromptsAllowed({ prompt: settings.prompt, expandedPrompt: caption, negativePrompt: settings.negativePrompt });
  return { caption, expansion };
}
