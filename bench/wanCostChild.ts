/**
 * One Wan2.1 component measured in a process of its own (bench/wanCost.ts starts it), so that each
 * component's peak resident set is its own, as under the pack's sequential memory plan: the text
 * encoder (tokenizer, embedding-row gather and the umT5 graph), one DiT forward, or the streaming VAE
 * decode. It goes through the wan2.1 architecture (src/architectures/wan21) on onnxruntime-node's CPU
 * execution provider (`native`) or on onnxruntime-web's WASM backend in Node (`wasm`, one thread per
 * core: the browser's CPU path without the page), with the runtime's session config; sessions are
 * made from the pack's files by path, timed on their own (the CLI's sha256 check of each graph file
 * is left out: the browser checks files once, at download). Prints one JSON line (`WanComponentCost`).
 *
 *   npx tsx bench/wanCostChild.ts <pack dir> <text|dit|vae> <320x192> <frames> <runs> [native|wasm]
 */
import { join } from 'node:path';
import { cpus } from 'node:os';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { createArchitecture } from '../src/architectures/registry';
import { fileFor, type Manifest, type ModelRole } from '../src/models/manifest';
import type { Architecture, PromptEmbeddings } from '../src/pipeline/architecture';
import type { LatentDims } from '../src/pipeline/latents';
import type { ModelRunner } from '../src/pipeline/modelRunner';
import { gaussianNoise } from '../src/pipeline/noise';
import { readManifestFile } from '../src/runtime/nodePack';
import { createNodePackData } from '../src/runtime/nodePackData';
import { elementType, plainTensors } from '../src/runtime/plainTensors';
import { SessionPool } from '../src/runtime/sessionPool';
import { SESSION_CONFIG } from '../src/runtime/sessionConfig';
import { WAN_PROMPT, type WanBackend, type WanComponent } from './wanCostConfig';
import { resetPeak, rss, sampleRss } from './rss';

/** What one component cost in one process. Milliseconds and bytes. */
export interface WanComponentCost {
  readonly component: WanComponent;
  readonly backend: WanBackend;
  readonly size: { width: number; height: number; frames: number };
  readonly latent: LatentDims;
  /** Tokens the component's main graph saw (text: prompt tokens; dit: latent patches; vae: latent frames). */
  readonly tokens: number;
  /** Resident set before any session existed. */
  readonly baseRssBytes: number;
  /** Peak resident set of the process over session creation and all runs. */
  readonly peakRssBytes: number;
  /** Session creations in order, with their time. */
  readonly sessions: { role: string; ms: number }[];
  /** Graph runs in order, with their time and the dims of their first input. */
  readonly runs: GraphRun[];
  /** Each timed repetition of the whole component (text: tokenize + gather + graph; dit: one forward; vae: the clip's decode), session creation excluded. */
  readonly repetitionsMs: number[];
  /** Text only: ms to read and check the tokenizer and the embedding row file before the first gather. */
  readonly dataCheckMs: number | null;
}

interface GraphRun {
  readonly role: string;
  readonly ms: number;
  readonly inputDims: readonly number[];
}

/** onnxruntime's session factory and tensor class on `backend`, and the session options for a graph of the pack. */
async function runtimeFor(backend: WanBackend, dir: string, manifest: Manifest) {
  if (backend === 'native') {
    const ort = await import('onnxruntime-node');
    const options = { graphOptimizationLevel: 'all', extra: SESSION_CONFIG, executionProviders: ['cpu'] } as const;
    return { create: (path: string) => ort.InferenceSession.create(path, options), Tensor: ort.Tensor as unknown as typeof OrtTensor };
  }
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = cpus().length;
  return {
    create: (path: string, role: string) =>
      ort.InferenceSession.create(path, {
        graphOptimizationLevel: 'all',
        extra: SESSION_CONFIG,
        executionProviders: ['wasm'],
        // onnxruntime-web finds no external data by itself: each shard is named, read from its path.
        externalData: manifest.files.filter((f) => f.role === 'externalData' && f.of === role).map((f) => ({ path: f.path, data: join(dir, f.path) })),
      }),
    Tensor: ort.Tensor as unknown as typeof OrtTensor,
  };
}

/** A runner of the pack's graphs on `backend`, timing each session made and each run. */
async function timedRunner(backend: WanBackend, dir: string, manifest: Manifest, sessions: { role: string; ms: number }[], runs: GraphRun[]): Promise<ModelRunner> {
  const runtime = await runtimeFor(backend, dir, manifest);
  const pool = new SessionPool<InferenceSession>(manifest.runtime.memoryPlan, {
    async create(role) {
      const started = performance.now();
      const session = await runtime.create(join(dir, fileFor(manifest, role as ModelRole).path), role);
      sessions.push({ role, ms: performance.now() - started });
      return session;
    },
    release: (session) => session.release(),
  });
  return {
    async run(role, feeds) {
      const session = await pool.acquire(role);
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new runtime.Tensor(elementType(t), t.data, t.dims)]));
      const started = performance.now();
      const result = await session.run(ortFeeds);
      runs.push({ role, ms: performance.now() - started, inputDims: Object.values(feeds)[0]?.dims ?? [] });
      return plainTensors(result, role);
    },
    release: () => pool.close(),
    data: createNodePackData(dir, manifest),
  };
}

/** Milliseconds `work` took, less the sessions it made meanwhile (reported on their own). */
async function timed(sessions: readonly { ms: number }[], work: () => Promise<unknown>): Promise<number> {
  const before = sessions.length;
  const started = performance.now();
  await work();
  const creating = sessions.slice(before).reduce((sum, s) => sum + s.ms, 0);
  return performance.now() - started - creating;
}

/** A seeded standard-normal context [1, contextLength, embedDim]: the DiT's cost does not depend on its values. */
function randomContext(manifest: Manifest & { text: { contextLength: number; embedDim: number } }) {
  const { contextLength, embedDim } = manifest.text;
  return { data: gaussianNoise(contextLength * embedDim, 7), dims: [1, contextLength, embedDim] };
}

interface Measuring {
  readonly architecture: Architecture<PromptEmbeddings>;
  readonly manifest: Manifest;
  readonly runner: ModelRunner;
  readonly sessions: readonly { ms: number }[];
  readonly runs: readonly GraphRun[];
}

async function measure({ architecture, manifest, runner, sessions, runs }: Measuring, component: WanComponent, shape: LatentDims, repetitions: number) {
  const out: number[] = [];
  let tokens = 0;
  let dataCheckMs: number | null = null;
  if (component === 'text') {
    // The data files are checked (sha256) once before their first read; that is load cost, kept apart.
    dataCheckMs = await timed(sessions, async () => {
      await runner.data!.readData('tokenizer', 0, 1);
      await runner.data!.readData('tokenEmbeddings', 0, 1);
    });
    for (let i = 0; i < repetitions; i++) out.push(await timed(sessions, () => architecture.encodePrompt([WAN_PROMPT])));
    tokens = runs.find((r) => r.role === 'textEncoder')?.inputDims[1] ?? 0;
  } else if (component === 'dit') {
    if (manifest.architecture !== 'wan2.1') throw new Error('not a wan2.1 pack');
    const embeddings = { rows: 1, unknownWords: [[]], contexts: [randomContext(manifest)] };
    const sample = gaussianNoise(shape.channels * shape.frames * shape.height * shape.width, 11);
    for (let i = 0; i < repetitions; i++) out.push(await timed(sessions, () => architecture.predict(sample, shape, 0.9, embeddings)));
    tokens = (shape.frames / manifest.patch.t) * (shape.height / manifest.patch.h) * (shape.width / manifest.patch.w);
  } else {
    const latents = gaussianNoise(shape.channels * shape.frames * shape.height * shape.width, 13);
    for (let i = 0; i < repetitions; i++) {
      out.push(
        await timed(sessions, async () => {
          for await (const group of architecture.decode(latents, shape)) void group;
        }),
      );
    }
    tokens = shape.frames;
  }
  return { repetitionsMs: out, tokens, dataCheckMs };
}

async function main(): Promise<void> {
  const [dir, component, sizeText, framesText, runsText, backendText = 'native'] = process.argv.slice(2);
  if (!dir || !['text', 'dit', 'vae'].includes(component ?? '') || !/^\d+x\d+$/.test(sizeText ?? '') || !framesText || !runsText || !['native', 'wasm'].includes(backendText)) {
    throw new Error('usage: wanCostChild.ts <pack dir> <text|dit|vae> <WIDTHxHEIGHT> <frames> <runs> [native|wasm]');
  }
  const backend = backendText as WanBackend;
  const [width, height] = sizeText!.split('x').map(Number) as [number, number];
  const frames = Number(framesText);
  const manifest = await readManifestFile(dir);
  if (manifest.architecture !== 'wan2.1') throw new Error(`${dir} is a ${manifest.architecture} pack, not wan2.1`);
  const sessions: { role: string; ms: number }[] = [];
  const runs: GraphRun[] = [];
  const runner = await timedRunner(backend, dir, manifest, sessions, runs);
  const architecture = createArchitecture(manifest, runner);
  const shape = architecture.latentShape({ width, height }, frames);
  const baseRssBytes = rss(process.pid)?.current ?? 0;
  resetPeak(process.pid);
  const sampler = sampleRss(process.pid);
  const measured = await measure({ architecture, manifest, runner, sessions, runs }, component as WanComponent, shape, Number(runsText));
  const peakRssBytes = Math.max(sampler.stop() ?? 0, rss(process.pid)?.peak ?? 0);
  await runner.release();
  const result: WanComponentCost = {
    component: component as WanComponent,
    backend,
    size: { width, height, frames },
    latent: shape,
    tokens: measured.tokens,
    baseRssBytes,
    peakRssBytes,
    sessions,
    runs,
    repetitionsMs: measured.repetitionsMs,
    dataCheckMs: measured.dataCheckMs,
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
