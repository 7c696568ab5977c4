/**
 * `npm run bench -- --wan-pack DIR`: the cost of a Wan2.1 pack (a full-size random-weight export in
 * practice) at 320×192×17 on this machine's CPU with onnxruntime-node. The text encoder, one DiT
 * forward and the VAE decode each run in a process of their own (wanCostChild.ts), in turn, so each
 * peak resident set is that component's alone, as the sequential memory plan holds one at a time.
 * P6, seconds per clip, is then estimated from those components (wanCostEstimate.ts). Writes
 * bench/results/<name>.json and .md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifestFile } from '../src/runtime/nodePack';
import type { Manifest } from '../src/models/manifest';
import { loadAverage, machineInfo, otherLoad, type OtherProcess } from './machine';
import { round } from './stats';
import { WAN_CLIP, WAN_COMPONENTS, WAN_PROMPT, WAN_REPETITIONS, WAN_SAMPLERS, type WanBackend, type WanComponent } from './wanCostConfig';
import type { WanComponentCost } from './wanCostChild';
import { estimateClip, type ClipEstimate, type DitSeconds, type VaeRuns } from './wanCostEstimate';

export interface WanCostOptions {
  /** Frames the DiT is measured at (the clip's 17 unless too slow here; scaled by tokens then). */
  readonly ditFrames: number;
  /** Frames the VAE decodes (the clip's 17 unless too slow here; extended by its step run then). */
  readonly vaeFrames: number;
  /** Results name: bench/results/<name>.json and .md. */
  readonly name: string;
  readonly note: string | null;
  /** Also run these components on onnxruntime-web's WASM backend in Node; one that fails (e.g. past the 4 GiB cap) is recorded with its error. */
  readonly wasm: readonly WanComponent[];
}

/** A component on the WASM backend: its cost, or why it did not run. */
export type WasmOutcome = { readonly cost: WanComponentCost } | { readonly component: WanComponent; readonly error: string };

/** The CPU as the report names it: model, cores and the vector extensions onnxruntime's kernels use. */
export function cpuDescription(): { model: string; cores: number; vectorExtensions: string[] } {
  const info = machineInfo();
  let flags: string[] = [];
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    flags = line ? line[1]!.trim().split(/\s+/) : [];
  } catch {
    // Not Linux: the extensions stay unnamed.
  }
  const vector = /^(sse4_[12]|avx|avx2|fma|f16c|avx512\w*|avx_vnni|amx\w*)$/;
  return { model: info.cpuModel, cores: info.cores, vectorExtensions: flags.filter((f) => vector.test(f)) };
}

function runComponent(root: string, packDir: string, component: WanComponent, frames: number, backend: WanBackend, log: (m: string) => void): WanComponentCost {
  log(`wan2.1: ${component} on ${backend} in its own process (${WAN_CLIP.width}x${WAN_CLIP.height}, ${frames} frames, ${WAN_REPETITIONS[backend][component]} repetition(s))`);
  const args = ['tsx', join(root, 'bench', 'wanCostChild.ts'), packDir, component, `${WAN_CLIP.width}x${WAN_CLIP.height}`, String(frames), String(WAN_REPETITIONS[backend][component]), backend];
  const child = spawnSync('npx', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`wan2.1 ${component} on ${backend} failed (status ${child.status ?? child.signal}): ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as WanComponentCost;
}

/** Bytes per pack file role (external data counted with its graph) and the largest buffer the manifest declares. */
function packSizes(manifest: Manifest) {
  const byRole: Record<string, number> = {};
  for (const file of manifest.files) {
    const role = file.role === 'externalData' && file.of ? file.of : file.role;
    byRole[role] = (byRole[role] ?? 0) + file.bytes;
  }
  return { totalBytes: manifest.files.reduce((sum, f) => sum + f.bytes, 0), byRole, largestBufferBytes: manifest.requirements.largestBufferBytes, files: manifest.files.length };
}

/** Warm seconds of a component: its last repetition (the earlier ones warm onnxruntime's allocations up). */
function warmSeconds(cost: WanComponentCost): number {
  return cost.repetitionsMs.at(-1)! / 1000;
}

/** The VAE's graph runs of its last repetition (one decode: the first graph, then the step graph per latent frame). */
function vaeRuns(cost: WanComponentCost): VaeRuns {
  const perDecode = cost.tokens;
  const last = cost.runs.slice(-perDecode);
  return { firstSeconds: last.find((r) => r.role === 'vaeDecoderFirst')!.ms / 1000, stepSeconds: last.filter((r) => r.role === 'vaeDecoderStep').map((r) => r.ms / 1000) };
}

export async function runWanCost(root: string, packDir: string, options: WanCostOptions, log: (m: string) => void): Promise<string> {
  const started = performance.now();
  const manifest = await readManifestFile(packDir);
  if (manifest.architecture !== 'wan2.1') throw new Error(`${packDir} is a ${manifest.architecture} pack; --wan-pack needs a wan2.1 pack`);
  const loadAtStart: OtherProcess[] = await otherLoad();
  const loadAvgStart = loadAverage();
  const components = Object.fromEntries(
    WAN_COMPONENTS.map((c) => [c, runComponent(root, packDir, c, framesOf(c, options), 'native', log)]),
  ) as Record<WanComponent, WanComponentCost>;
  const wasm: WasmOutcome[] = options.wasm.map((c) => {
    try {
      return { cost: runComponent(root, packDir, c, framesOf(c, options), 'wasm', log) };
    } catch (error) {
      return { component: c, error: (error as Error).message };
    }
  });
  const clipTokens = clipTokenCounts(manifest);
  const dit: DitSeconds = { seconds: warmSeconds(components.dit), tokens: components.dit.tokens };
  const estimates: ClipEstimate[] = WAN_SAMPLERS.map((sampler) => estimateClip(sampler, warmSeconds(components.text), dit, vaeRuns(components.vae), clipTokens));
  const ortVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version;
  const results = {
    date: new Date().toISOString(),
    note: options.note,
    pack: { dir: packDir, name: manifest.name, description: manifest.description, ...packSizes(manifest) },
    runtime: `onnxruntime-node ${ortVersion}, CPU execution provider, graph optimisation 'all', default thread pool`,
    cpu: cpuDescription(),
    machine: machineInfo(),
    clip: { ...WAN_CLIP, ...clipTokens },
    prompt: WAN_PROMPT,
    components,
    wasm,
    p6: estimates.map((e) => ({ ...e, seconds: round(e.seconds, 4), parts: { text: round(e.parts.text, 4), dit: round(e.parts.dit, 4), vae: round(e.parts.vae, 4) } })),
    otherLoad: { start: loadAtStart, end: await otherLoad(), loadAvgStart, loadAvgEnd: loadAverage() },
    durationS: round((performance.now() - started) / 1000),
  };
  const dir = join(root, 'bench', 'results');
  writeFileSync(join(dir, `${options.name}.json`), `${JSON.stringify(results, null, 1)}\n`);
  const markdown = renderWanCost(results);
  writeFileSync(join(dir, `${options.name}.md`), markdown);
  log(`wrote bench/results/${options.name}.json and .md in ${Math.round(results.durationS)} s`);
  return markdown;
}

function framesOf(component: WanComponent, options: WanCostOptions): number {
  return component === 'dit' ? options.ditFrames : component === 'vae' ? options.vaeFrames : WAN_CLIP.frames;
}

/** The clip's DiT tokens (latent patches) and latent frames, from the pack's own compression and patch. */
function clipTokenCounts(manifest: Manifest): { ditTokens: number; latentFrames: number } {
  const { latent, patch } = manifest;
  const frames = 1 + (WAN_CLIP.frames - 1) / latent.temporalCompression;
  const h = WAN_CLIP.height / latent.spatialCompression / patch.h;
  const w = WAN_CLIP.width / latent.spatialCompression / patch.w;
  return { ditTokens: (frames / patch.t) * h * w, latentFrames: frames };
}

const gb = (bytes: number) => (bytes / 1e9).toFixed(2);
const sec = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);

function componentRow(label: string, cost: WanComponentCost, what: string): string {
  const sessions = cost.sessions.map((s) => `${s.role} ${sec(s.ms)}`).join(', ');
  const reps = cost.repetitionsMs.map(sec).join(' / ');
  return `| ${label} | ${what} | ${sec(cost.repetitionsMs.at(-1)!)} | ${reps} | ${sessions} | ${gb(cost.peakRssBytes)} | ${gb(cost.baseRssBytes)} |`;
}

function wasmRow(outcome: WasmOutcome, native: Record<WanComponent, WanComponentCost>): string {
  if (!('cost' in outcome)) return `| ${outcome.component} | did not run: ${outcome.error.replace(/\|/g, '/')} | | | | |`;
  const { cost } = outcome;
  const mine = cost.repetitionsMs.at(-1)!;
  const theirs = native[cost.component];
  const comparable = theirs.tokens === cost.tokens ? (mine / theirs.repetitionsMs.at(-1)!).toFixed(2) : 'other size';
  return `| ${cost.component} (${cost.tokens} tokens) | ${sec(mine)}${cost.repetitionsMs.length === 1 ? ' (1 run)' : ''} | ${sec(theirs.repetitionsMs.at(-1)!)} | ${comparable} | ${cost.sessions.map((s) => `${s.role} ${sec(s.ms)}`).join(', ')} | ${gb(cost.peakRssBytes)} |`;
}

export function renderWanCost(r: {
  date: string;
  note: string | null;
  pack: ReturnType<typeof packSizes> & { dir: string; name: string; description: string };
  runtime: string;
  cpu: ReturnType<typeof cpuDescription>;
  machine: ReturnType<typeof machineInfo>;
  clip: { width: number; height: number; frames: number; ditTokens: number; latentFrames: number };
  components: Record<WanComponent, WanComponentCost>;
  wasm: WasmOutcome[];
  p6: ClipEstimate[];
  otherLoad: { start: OtherProcess[]; end: OtherProcess[]; loadAvgStart: number; loadAvgEnd: number };
}): string {
  const { text, dit, vae } = r.components;
  const lines = [
    `# Wan2.1 cost on the CPU, pack \`${r.pack.name}\` (${r.date.slice(0, 10)})`,
    '',
    `${r.pack.description}`,
    '',
    `Pack ${r.pack.dir}: ${gb(r.pack.totalBytes)} GB in ${r.pack.files} files; ${Object.entries(r.pack.byRole).map(([role, bytes]) => `${role} ${gb(bytes)} GB`).join(', ')}; largest buffer ${(r.pack.largestBufferBytes / 2 ** 20).toFixed(1)} MiB.`,
    `CPU: ${r.cpu.model}, ${r.cpu.cores} cores (${r.cpu.vectorExtensions.join(', ') || 'extensions unknown'}), ${r.machine.memoryGiB} GiB; ${r.runtime}; Node ${r.machine.node}.`,
    `Clip ${r.clip.width}×${r.clip.height}×${r.clip.frames}: ${r.clip.latentFrames} latent frames, ${r.clip.ditTokens} DiT tokens.` +
      (dit.tokens !== r.clip.ditTokens ? ` **The DiT was measured at ${dit.tokens} tokens (${dit.size.frames} frames) and scaled linearly to ${r.clip.ditTokens}: a lower bound, its attention grows faster.**` : '') +
      (vae.tokens !== r.clip.latentFrames ? ` **The VAE decoded ${vae.tokens} latent frames (${vae.size.frames} frames); the clip's ${r.clip.latentFrames} are estimated as its first run plus ${r.clip.latentFrames - 1} of its mean step run.**` : ''),
    'Each component ran in its own process (peak resident set its own, as under the sequential memory plan). Times are seconds; the figure used is the last repetition (warm); session creation is apart.',
    '',
    '| component | what runs | warm s | repetitions s | session creation s | peak RSS GB | RSS before GB |',
    '|---|---|---|---|---|---|---|',
    componentRow('text encoder', text, `umT5 on ${text.tokens} tokens: tokenize + int8 row gather + graph (4-bit)${text.dataCheckMs !== null ? `; data files checked once first: ${sec(text.dataCheckMs)} s` : ''}`),
    componentRow('DiT', dit, `one forward, ${dit.tokens} tokens, 1 row (CFG runs 2)`),
    componentRow('VAE decode', vae, `${vae.tokens} latent frames (first + ${vae.tokens - 1} steps) → ${vae.size.frames} frames; runs ${vae.runs.map((run) => sec(run.ms)).join(', ')} s`),
    '',
    '**P6, seconds per clip (estimate from the measured components)**',
    '',
    '| sampler | text encoder runs | DiT forwards | text s | DiT s | VAE s | total s | total min |',
    '|---|---|---|---|---|---|---|---|',
    ...r.p6.map((e) => `| ${e.sampler} | ${e.textEncoderRuns} | ${e.ditRuns} | ${e.parts.text.toFixed(1)} | ${e.parts.dit.toFixed(0)} | ${e.parts.vae.toFixed(1)} | ${e.seconds.toFixed(0)} | ${(e.seconds / 60).toFixed(1)} |`),
    ...(r.wasm.length === 0 ? [] : ['', `**onnxruntime-web WASM backend in Node** (${r.cpu.cores} threads; the wasm build is 32-bit, so graph, weights and activations must fit in 4 GiB)`, '', '| component | WASM warm s | native warm s | WASM / native | session creation s | peak RSS GB |', '|---|---|---|---|---|---|', ...r.wasm.map((w) => wasmRow(w, r.components))]),
    '',
    `Other load: ${r.otherLoad.start.length === 0 ? 'none above 5% of a core at the start' : r.otherLoad.start.map((p) => `${p.command.slice(0, 50)} ${p.cpuPercent}%`).join('; ')}; load average ${r.otherLoad.loadAvgStart} → ${r.otherLoad.loadAvgEnd}.`,
  ];
  if (r.note) lines.push('', r.note);
  return `${lines.join('\n')}\n`;
}
