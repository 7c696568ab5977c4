import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../src/pipeline/errors';
import { assertReadablePrompt, wordsOutsideAlphabet } from '../../src/architectures/tessera-tiny/promptReadability';
import { toEngineError } from '../../src/engine/errors';

/** The error assertReadablePrompt throws for `prompt`, or null when it accepts it. */
function refusal(prompt: string): PipelineError | null {
  try {
    assertReadablePrompt(prompt);
    return null;
  } catch (error) {
    return error as PipelineError;
  }
}

describe('wordsOutsideAlphabet', () => {
  it('lists each word with a letter outside a-z and 0-9 once, in order, whole', () => {
    expect(wordsOutsideAlphabet('a café ball, 猫 and a café, ｒｅｄ box')).toEqual(['café', '猫', 'ｒｅｄ']);
  });

  it('keeps a combining accent inside its word', () => {
    expect(wordsOutsideAlphabet('cafe\u0301 now')).toEqual(['cafe\u0301']);
  });

  it('finds nothing in ASCII words, punctuation or control characters', () => {
    expect(wordsOutsideAlphabet("a red ball, moving left! x2 3D\u0000 don't")).toEqual([]);
  });
});

describe('assertReadablePrompt', () => {
  it.each([['\u0000\u0000'], ['!!! ???'], ['→ ★ ♥'], ['\u200b']])('refuses %j, which holds only symbols or control characters, naming them', (prompt) => {
    const error = refusal(prompt);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error!.code).toBe('invalid-prompt');
    expect(error!.message).toMatch(/nothing the model can read: it holds only symbols or control characters \(U\+[0-9A-F]{4}/);
    expect(error!.message).toContain('a-z, 0-9');
  });

  it('names the control character it refuses', () => {
    expect(refusal('\u0000')!.message).toContain('(U+0000)');
  });

  it('refuses a prompt whose only words are outside the alphabet, naming a few of them, each cut short', () => {
    expect(refusal('猫 が 走る')!.message).toContain('its words (猫, が, 走る) use letters outside a-z and 0-9');
    const long = `${'猫'.repeat(1000)} é ü ö ä`;
    const message = refusal(long)!.message;
    expect(message).toContain(`${'猫'.repeat(24)}…, é, ü and 2 more`);
    expect(message.length).toBeLessThan(200);
  });

  it('accepts a prompt with one readable word, and leaves an empty prompt to the caller', () => {
    expect(refusal('猫 cat')).toBeNull();
    expect(refusal('café')).toBeNull(); // "caf" reaches the model; the notice names "café"
    expect(refusal('   ')).toBeNull();
    expect(refusal('')).toBeNull();
  });

  it('reaches the app as a bad prompt setting, marked on the prompt field', () => {
    const error = toEngineError(refusal('\u0000!'));
    expect(error).toMatchObject({ code: 'bad-settings', field: 'prompt' });
    expect(error.message).toMatch(/^The prompt has nothing the model can read/);
  });
});
