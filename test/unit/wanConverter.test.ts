/**
 * The Wan2.1 converter end to end: the synthetic Diffusers-layout checkpoint (real key names, tiny dims)
 * → converter/wan/convert.py → a wan2.1 pack. Checks the pack's manifest and files, the shard and
 * buffer rules, that its graphs run in onnxruntime-node and match the torch model code's golden values,
 * that the committed golden fixture is current, and that broken checkpoints are refused by name.
 * Needs /usr/bin/python3 with torch, onnx, numpy and sentencepiece (Debian packages; .ci/run installs them).
 */
import { createHash } from 'node:crypto';
import { Tokenizer } from '@huggingface/tokenizers';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/models/manifest';
import { PYTHON, runPython, tinyWanPack, type TinyWanPack } from '../fixtures/wan21/tinyPack';
import { spawnSync } from 'node:child_process';

const GOLDEN_FIXTURE = new URL('../fixtures/wan21/golden.json', import.meta.url);
const TOKENIZER_GOLDEN = new URL('../fixtures/wan21/tokenizer-golden.json', import.meta.url);
const SHARD_BYTES = 32768; // TINY_PACK_ARGS
const MAX_TENSOR_BYTES = 128 * 1024 * 1024;

interface FileRecord { role: string; of?: string; path: string; bytes: number; sha256: string; chunks?: { bytes: number; sha256: string[] } }
interface Manifest { [key: string]: unknown; files: FileRecord[]; text: { vocabSize: number; embedDim: number; contextLength: number }; vae: { cacheTensors: number } }

let tiny: TinyWanPack;
let manifest: Manifest;
let scratch: string;
let golden: any; // eslint-disable-line @typescript-eslint/no-explicit-any

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const wave = (count: number, a: number, b: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(a * i + b));
const product = (shape: number[]) => shape.reduce((x, y) => x * y, 1);

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

function maxAbs(values: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]!));
  return worst;
}

/** Runs convert.py on a checkpoint and returns its exit status and stderr. */
function convertExpectingFailure(checkpoint: string): { status: number; stderr: string } {
  const out = join(scratch, `pack-${Math.random().toString(36).slice(2)}`);
  const { status, stderr } = runPython('convert.py', ['--weights', checkpoint, '--out', out]);
  return { status, stderr };
}

/** A copy of the synthetic checkpoint to break. */
function checkpointCopy(): string {
  const copy = mkdtempSync(join(scratch, 'ckpt-'));
  cpSync(tiny.checkpoint, copy, { recursive: true });
  return copy;
}

function python(code: string, args: string[] = []): string {
  const result = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', cwd: join(tiny.checkpoint, '..') });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

const CONVERTER_PATH = `import sys; sys.path.insert(0, ${JSON.stringify(new URL('../../converter/wan/', import.meta.url).pathname)})\n`;

beforeAll(() => {
  tiny = tinyWanPack();
  manifest = JSON.parse(readFileSync(join(tiny.pack, 'manifest.json'), 'utf8')) as Manifest;
  scratch = mkdtempSync(join(tmpdir(), 'wan-converter-test-'));
  const goldenPath = join(scratch, 'golden.json');
  const { status, stderr } = runPython('golden.py', ['--weights', tiny.checkpoint, '--pack', tiny.pack, '--out', goldenPath]);
  if (status !== 0) throw new Error(stderr);
  golden = JSON.parse(readFileSync(goldenPath, 'utf8'));
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('wan2.1 pack from the synthetic checkpoint', () => {
  it('lists every file with its size, sha256 and chunk hashes, in the contract roles', () => {
    expect(manifest).toMatchObject({ format: 'tessera-model-pack', formatVersion: 2, architecture: 'wan2.1', license: 'Apache-2.0' });
    const roles = manifest.files.map((f) => f.role);
    for (const role of ['tokenizer', 'tokenEmbeddings', 'textEncoder', 'dit', 'vaeDecoderFirst', 'vaeDecoderStep']) {
      expect(roles.filter((r) => r === role)).toHaveLength(1);
    }
    let total = 0;
    for (const file of manifest.files) {
      const data = readFileSync(join(tiny.pack, file.path));
      expect(data.length, file.path).toBe(file.bytes);
      expect(sha256(data), file.path).toBe(file.sha256);
      if (file.chunks) {
        const { bytes, sha256: hashes } = file.chunks;
        expect(hashes).toHaveLength(Math.ceil(file.bytes / bytes));
        hashes.forEach((hash, i) => expect(sha256(data.subarray(i * bytes, (i + 1) * bytes)), `${file.path} chunk ${i}`).toBe(hash));
      } else {
        expect(file.bytes).toBeLessThanOrEqual(65536);
      }
      total += file.bytes;
    }
    expect(manifest.requirements).toMatchObject({ totalBytes: total, shaderF16: false });
    expect(manifest.runtime).toEqual({ memoryPlan: 'sequential' });
  });

  it('is a manifest that Tessera\'s parser accepts as wan2.1', () => {
    const parsed = parseManifest(JSON.parse(JSON.stringify(manifest)));
    expect(parsed.architecture).toBe('wan2.1');
    expect(parsed.name).toBe('wan21-tiny-synthetic');
  });

  it('takes the sections from the tiny configs and the options', () => {
    expect(manifest.text).toEqual({ embedDim: 32, contextLength: 512, vocabSize: 256, negativePrompt: '' });
    expect(manifest.tokenizer).toEqual({ type: 'unigram', maxLength: 512, padId: 0, eosId: 1 });
    expect(manifest.latent).toEqual({ channels: 16, temporalCompression: 4, spatialCompression: 8, causalFirstFrame: true });
    expect(manifest.patch).toEqual({ t: 1, h: 2, w: 2 });
    expect(manifest.dit).toEqual({ heads: 2, headDim: 16, ropeTheta: 10000 });
    expect(manifest.vae).toEqual({ cacheTensors: 32 });
    expect(manifest.video).toEqual({
      fps: 16, frameCounts: [5, 9],
      sizes: { '1:1': { width: 64, height: 64 }, '2:1': { width: 64, height: 32 }, '1:2': { width: 32, height: 64 } },
    });
    expect(manifest.scheduler).toEqual({ type: 'unipc-multistep', steps: 20, shift: 3, guidance: 5 });
    const preview = manifest.preview as { weights: number[][]; bias: number[] };
    expect(preview.weights).toHaveLength(16);
    expect(preview.weights.every((row) => row.length === 3 && row.every(Number.isFinite))).toBe(true);
    expect(manifest.files.find((f) => f.role === 'tokenEmbeddings')!.bytes).toBe(256 * (4 + 32));
    expect(readFileSync(join(tiny.pack, 'tokenizer.json'))).toEqual(readFileSync(join(tiny.checkpoint, 'tokenizer', 'tokenizer.json')));
  });

  it('keeps each weight wholly inside one shard of at most --shard-bytes, none over 128 MiB, and declares the largest', () => {
    const listing = JSON.parse(python(`${CONVERTER_PATH}import json, onnx, sys
out = {}
for graph in sys.argv[1:]:
    m = onnx.load(graph, load_external_data=False)
    out[graph] = [{e.key: e.value for e in t.external_data} for t in m.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
print(json.dumps(out))`, ['text_encoder.onnx', 'dit.onnx'].map((g) => join(tiny.pack, g)))) as Record<string, { location: string; offset: string; length: string }[]>;
    let largest = 0;
    for (const [graph, tensors] of Object.entries(listing)) {
      expect(tensors.length, graph).toBeGreaterThan(0);
      const shards = manifest.files.filter((f) => f.role === 'externalData' && graph.endsWith(`/${f.of === 'dit' ? 'dit' : 'text_encoder'}.onnx`));
      expect(new Set(tensors.map((t) => t.location))).toEqual(new Set(shards.map((f) => f.path)));
      for (const tensor of tensors) {
        const end = Number(tensor.offset) + Number(tensor.length);
        expect(end).toBeLessThanOrEqual(statSync(join(tiny.pack, tensor.location)).size);
        expect(Number(tensor.length)).toBeLessThanOrEqual(MAX_TENSOR_BYTES);
        largest = Math.max(largest, Number(tensor.length));
      }
      for (const shard of shards) expect(shard.bytes).toBeLessThanOrEqual(SHARD_BYTES);
    }
    expect(manifest.files.filter((f) => f.of === 'dit').length).toBeGreaterThan(1);
    expect((manifest.requirements as { largestBufferBytes: number }).largestBufferBytes).toBeGreaterThanOrEqual(largest);
  });

  it('ships a tokenizer.json that @huggingface/tokenizers reads to python3-sentencepiece\'s ids', () => {
    const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(tiny.pack, 'tokenizer.json'), 'utf8')), {});
    const { cases } = JSON.parse(readFileSync(TOKENIZER_GOLDEN, 'utf8')) as { cases: { prompt: string; ids: number[] }[] };
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const { prompt, ids } of cases) expect(tokenizer.encode(prompt).ids, JSON.stringify(prompt)).toEqual(ids);
  });

  it('makes tokenizer.json from spiece.model when the checkpoint has only that', () => {
    const out = python(`${CONVERTER_PATH}import json, os, shutil, sys, tempfile
from convert import copy_tokenizer
folder, out = tempfile.mkdtemp(), tempfile.mkdtemp()
shutil.copy(os.path.join(sys.argv[1], 'tokenizer', 'spiece.model'), folder)
copy_tokenizer(folder, out)
made = json.load(open(os.path.join(out, 'tokenizer.json')))
print(json.dumps(made == json.load(open(os.path.join(sys.argv[1], 'tokenizer', 'tokenizer.json')))))`, [tiny.checkpoint]);
    expect(JSON.parse(out)).toBe(true);
  });

  it('names the sampler from scheduler_config.json, and the few-step one for a distilled checkpoint', () => {
    const out = python(`${CONVERTER_PATH}import json
from pack_manifest import scheduler_section as s
unipc = {'_class_name': 'UniPCMultistepScheduler', 'flow_shift': 3.0}
euler = {'_class_name': 'FlowMatchEulerDiscreteScheduler', 'shift': 5.0}
rows = [s(unipc, None, False, None), s(euler, 30, False, 6.0), s(unipc, None, True, None)]
try:
    s({'_class_name': 'DDIMScheduler'}, None, False, None)
except ValueError as e:
    rows.append(str(e))
print(json.dumps(rows))`);
    expect(JSON.parse(out)).toEqual([
      { type: 'unipc-multistep', steps: 20, shift: 3, guidance: 5 },
      { type: 'flow-match-euler', steps: 30, shift: 5, guidance: 6 },
      { type: 'flow-match-lcm', steps: 4, shift: 3, guidance: 1 },
      expect.stringMatching(/_class_name 'DDIMScheduler' is not one of/),
    ]);
  });

  it('refuses a weight over the tensor limit by name', () => {
    const out = python(`${CONVERTER_PATH}import numpy as np, onnx, tempfile
from onnx import helper, numpy_helper, TensorProto
from onnx_external import save_sharded, ShardingError
w = numpy_helper.from_array(np.zeros((64, 64), np.float32), 'big_weight')
g = helper.make_graph([helper.make_node('MatMul', ['x', 'big_weight'], ['y'])], 'g',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 64])], [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 64])], [w])
try:
    save_sharded(helper.make_model(g), tempfile.mkdtemp(), 'g.onnx', max_tensor_bytes=8192)
    print('accepted')
except ShardingError as e:
    print(e)`);
    expect(out).toMatch(/weight 'big_weight' is 16,384 bytes; no tensor may exceed 8,192/);
  });
});

describe('the pack\'s graphs in onnxruntime-node', () => {
  it('text encoder (4-bit MatMulNBits) matches the torch umT5 with the pack\'s weights', async () => {
    const session = await ort.InferenceSession.create(join(tiny.pack, 'text_encoder.onnx'));
    for (const item of golden.textEncoder) {
      const { hidden_states: hidden } = await session.run({ inputs_embeds: new ort.Tensor('float32', Float32Array.from(item.inputsEmbeds), item.shape) });
      expect(hidden!.dims).toEqual(item.shape);
      expect(maxAbsDiff(hidden!.data as Float32Array, item.hiddenStates), item.prompt).toBeLessThan(1e-4);
    }
    await session.release();
  });

  it('DiT (8-bit MatMulNBits) matches the torch DiT with the pack\'s weights, and the float-weight DiT within the int8 error', async () => {
    const session = await ort.InferenceSession.create(join(tiny.pack, 'dit.onnx'));
    const { inputs } = golden.dit;
    const context = new Float32Array(product(inputs.context.shape));
    context.set(wave(5 * 32, 0.11, 0.5));
    const tokens = inputs.rope.frames * inputs.rope.heightTokens * inputs.rope.widthTokens;
    const { velocity } = await session.run({
      latents: new ort.Tensor('float32', wave(product(inputs.latents.shape), 0.37, 0.1), inputs.latents.shape),
      timestep: new ort.Tensor('float32', Float32Array.from(inputs.timestep), [1]),
      context: new ort.Tensor('float32', context, inputs.context.shape),
      rope_cos: new ort.Tensor('float32', Float32Array.from(inputs.rope.cos), [tokens, 8]),
      rope_sin: new ort.Tensor('float32', Float32Array.from(inputs.rope.sin), [tokens, 8]),
    });
    expect(velocity!.dims).toEqual(golden.dit.shape);
    const out = velocity!.data as Float32Array;
    expect(maxAbsDiff(out, golden.dit.velocity)).toBeLessThan(1e-4);
    // Quantisation error against the unquantised model: small next to the output's scale.
    expect(maxAbsDiff(out, golden.dit.velocityFloatWeights)).toBeLessThan(0.05 * maxAbs(golden.dit.velocityFloatWeights));
    await session.release();
  });

  it('streaming VAE decoder (first + step graphs) matches the torch decoder', async () => {
    const first = await ort.InferenceSession.create(join(tiny.pack, 'vae_decoder_first.onnx'));
    const step = await ort.InferenceSession.create(join(tiny.pack, 'vae_decoder_step.onnx'));
    const { shape } = golden.vaeDecoder.latents as { shape: number[] };
    const [, channels, frames, h, w] = shape as [number, number, number, number, number];
    const latents = wave(product(shape), 0.23, 0.7);
    const frameOf = (t: number) => {
      const out = new Float32Array(channels * h * w);
      for (let c = 0; c < channels; c++) out.set(latents.subarray((c * frames + t) * h * w, (c * frames + t + 1) * h * w), c * h * w);
      return new ort.Tensor('float32', out, [1, channels, 1, h, w]);
    };
    const chunks: ort.Tensor[] = [];
    let result = await first.run({ latent: frameOf(0) });
    chunks.push(result.frames!);
    for (let t = 1; t < frames; t++) {
      const feeds: Record<string, ort.Tensor> = { latent: frameOf(t) };
      for (let k = 0; k < manifest.vae.cacheTensors; k++) feeds[`cache_in_${k}`] = result[`cache_out_${k}`]!;
      result = await step.run(feeds);
      chunks.push(result.frames!);
    }
    expect(chunks.map((c) => c.dims[2])).toEqual(golden.vaeDecoder.framesPerCall);
    const [, , total, height, width] = golden.vaeDecoder.shape as number[];
    const clip = new Float32Array(3 * total! * height! * width!);
    const plane = height! * width!;
    let offset = 0;
    for (const chunk of chunks) {
      const n = chunk.dims[2]!;
      const data = chunk.data as Float32Array;
      for (let c = 0; c < 3; c++) clip.set(data.subarray(c * n * plane, (c + 1) * n * plane), (c * total! + offset) * plane);
      offset += n;
    }
    const stride = golden.vaeDecoder.sampleStride as number;
    const samples = Array.from({ length: golden.vaeDecoder.samples.length }, (_, i) => clip[i * stride]!);
    expect(maxAbsDiff(samples, golden.vaeDecoder.samples)).toBeLessThan(1e-4);
    await first.release();
    await step.release();
  });

  it('the committed golden fixture is what the converter and model code produce now', () => {
    const committed = JSON.parse(readFileSync(GOLDEN_FIXTURE, 'utf8'));
    expect(committed.quantization).toEqual(golden.quantization);
    expect(committed.textEncoder.map((c: { ids: number[] }) => c.ids)).toEqual(golden.textEncoder.map((c: { ids: number[] }) => c.ids));
    expect(maxAbsDiff(committed.dit.velocity, golden.dit.velocity)).toBeLessThan(1e-5);
    expect(maxAbsDiff(committed.vaeDecoder.samples, golden.vaeDecoder.samples)).toBeLessThan(1e-5);
    golden.textEncoder.forEach((c: { hiddenStates: number[] }, i: number) =>
      expect(maxAbsDiff(committed.textEncoder[i].hiddenStates, c.hiddenStates)).toBeLessThan(1e-5));
  });
});

describe('broken checkpoints are refused by name', () => {
  it('a key missing from a sharded transformer', () => {
    const copy = checkpointCopy();
    python(`${CONVERTER_PATH}import json, os, sys
import safetensors_io as st
folder = os.path.join(sys.argv[1], 'transformer')
index_path = os.path.join(folder, 'diffusion_pytorch_model.safetensors.index.json')
index = json.load(open(index_path))
shard = index['weight_map'].pop('blocks.0.attn1.to_q.weight')
header = st.read_header(os.path.join(folder, shard))
st.write_file(os.path.join(folder, shard), [(k, st.load_tensor(e).copy()) for k, e in header.items() if k != 'blocks.0.attn1.to_q.weight'])
json.dump(index, open(index_path, 'w'))`, [copy]);
    const { status, stderr } = convertExpectingFailure(copy);
    expect(status).toBe(1);
    expect(stderr).toMatch(/transformer: key 'blocks\.0\.attn1\.to_q\.weight' missing from .*diffusion_pytorch_model\.safetensors\.index\.json/);
  });

  it('an unknown key in the VAE file', () => {
    const copy = checkpointCopy();
    python(`${CONVERTER_PATH}import os, sys, numpy as np
import safetensors_io as st
path = os.path.join(sys.argv[1], 'vae', 'diffusion_pytorch_model.safetensors')
tensors = [(k, st.load_tensor(e).copy()) for k, e in st.read_header(path).items()]
st.write_file(path, tensors + [('decoder.extra_block.weight', np.zeros(4, np.float32))])`, [copy]);
    const { status, stderr } = convertExpectingFailure(copy);
    expect(status).toBe(1);
    expect(stderr).toMatch(/vae: unknown key 'decoder\.extra_block\.weight' in .*vae\/diffusion_pytorch_model\.safetensors/);
  });

  it('a safetensors header that runs past the file, and one with a bad dtype', () => {
    const copy = checkpointCopy();
    const path = join(copy, 'vae', 'diffusion_pytorch_model.safetensors');
    const original = readFileSync(path);
    const tooLong = Buffer.from(original);
    tooLong.writeBigUInt64LE(BigInt(original.length), 0);
    writeFileSync(path, tooLong);
    expect(convertExpectingFailure(copy).stderr).toMatch(/diffusion_pytorch_model\.safetensors: header length \d+ runs past the end/);
    const badDtype = Buffer.from(original.toString('latin1').replace('"dtype":"F32"', '"dtype":"X32"'), 'latin1');
    writeFileSync(path, badDtype);
    expect(convertExpectingFailure(copy).stderr).toMatch(/dtype 'X32' is not one of/);
  });

  it('safetensors headers with overlapping or out-of-range offsets, or a span that does not fit the shape', () => {
    const out = python(`${CONVERTER_PATH}import json, struct, tempfile
from safetensors_io import read_header, SafetensorsError
def attempt(header, data_bytes):
    path = tempfile.mktemp(suffix='.safetensors')
    raw = json.dumps(header).encode()
    open(path, 'wb').write(struct.pack('<Q', len(raw)) + raw + bytes(data_bytes))
    try:
        read_header(path)
        return 'accepted'
    except SafetensorsError as e:
        return str(e)
print(json.dumps([
    attempt({'a': {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]}, 'b': {'dtype': 'F32', 'shape': [2], 'data_offsets': [4, 12]}}, 12),
    attempt({'a': {'dtype': 'F32', 'shape': [4], 'data_offsets': [0, 16]}}, 8),
    attempt({'a': {'dtype': 'F32', 'shape': [3], 'data_offsets': [0, 8]}}, 8),
    attempt({'a': {'dtype': 'BF16', 'shape': [4], 'data_offsets': [0, 8]}}, 8),
]))`);
    const [overlap, outside, span, fine] = JSON.parse(out) as string[];
    expect(overlap).toMatch(/tensors 'a' and 'b' overlap/);
    expect(outside).toMatch(/tensor 'a': data_offsets \[0, 16\] are outside the 8 data bytes/);
    expect(span).toMatch(/data_offsets span 8 bytes but F32 \[3\] needs 12/);
    expect(fine).toBe('accepted');
  });

  it('a config without a dimension the converter needs', () => {
    const copy = checkpointCopy();
    const configPath = join(copy, 'transformer', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    delete config.num_layers;
    writeFileSync(configPath, JSON.stringify(config));
    expect(convertExpectingFailure(copy).stderr).toMatch(/transformer\/config\.json: missing field\(s\) num_layers/);
  });

  it('a folder without model_index.json, named as not the Diffusers layout with the repository to get', () => {
    const copy = checkpointCopy();
    rmSync(join(copy, 'model_index.json'));
    const { status, stderr } = convertExpectingFailure(copy);
    expect(status).toBe(1);
    expect(stderr).toMatch(/no model_index\.json, so not a checkpoint in the Diffusers layout \(the converter reads Wan-AI\/Wan2\.1-T2V-1\.3B-Diffusers/);
  });
});
