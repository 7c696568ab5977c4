/**
 * `npm run convert -- --weights DIR --out DIR [--dit-bits 8|4] [--name NAME] ...`: turns a Wan2.1
 * checkpoint in the Diffusers layout into a Tessera `wan2.1` pack. The conversion itself is Python
 * (converter/wan/convert.py, run with Debian's torch); this entry checks that interpreter first, so a
 * missing package gives the install command instead of a traceback, then streams the converter's
 * progress. `--help` lists every option. The interpreter is /usr/bin/python3 unless TESSERA_PYTHON names another.
 */
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PYTHON = process.env.TESSERA_PYTHON ?? '/usr/bin/python3';
const CONVERTER = fileURLToPath(new URL('../converter/wan/convert.py', import.meta.url));
const REQUIRED_MODULES = ['torch', 'onnx', 'numpy'] as const;
const INSTALL = 'sudo apt-get install -y python3-torch python3-onnx python3-numpy python3-sentencepiece libopenblas0-pthread';

/** Names of the required Python modules the interpreter cannot import (all of them if it does not run). */
function missingModules(): string[] {
  const probe = `import importlib.util, sys\nprint(','.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))`;
  const result = spawnSync(PYTHON, ['-c', probe, ...REQUIRED_MODULES], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return [...REQUIRED_MODULES];
  return result.stdout.trim().split(',').filter(Boolean);
}

const missing = missingModules();
if (missing.length > 0) {
  console.error(
    `convert: ${PYTHON} cannot import ${missing.join(', ')}. The converter needs Debian's torch 1.13, onnx and numpy:\n` +
      `  ${INSTALL}\n` +
      'or set TESSERA_PYTHON to an interpreter that has them.',
  );
  process.exit(2);
}

const child = spawn(PYTHON, [CONVERTER, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, PYTHONUNBUFFERED: '1' },
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
