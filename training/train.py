"""Train Tessera's built-in model from scratch in one command, within a wall-clock budget.

    /usr/bin/python3 training/train.py                 # default: ~55 min on a 2-core CPU, then export
    /usr/bin/python3 training/train.py --minutes 120   # a longer budget
    python3 training/train.py --device cuda --no-export   # on a GPU: 9 min, the shipped DiT's size

`--device cuda` changes the defaults to GPU_DEFAULTS (any flag given still wins): from scratch on one
H100 they reproduced the shipped pack's held-out scores in 9 minutes (model card). Every pack so far
was exported by training/export.py under Debian's torch 1.13; a newer torch defaults to another ONNX
exporter, untried on these models, hence --no-export there and export.py here.

On a CPU the work is split over `--workers` processes with one thread each that average their
gradients every step (torch.distributed over gloo), each taking its share of every step's batch:
on the 2-core machine two such workers compute DiT steps at about 2 x 109 clips/s, where one process
with two threads managed 49-56 clips/s (OpenBLAS's own thread pool fights torch's; measured
2026-11-25, 1:1 x 17-frame batches); with rendering and encoding, a run trains 95-110 clips/s.

Phases: (1) the video autoencoder, (2) the text encoder + DiT with flow matching on mixed sizes and
durations, (3) the decoder alone, fine-tuned on noisy latents so the DiT's inexact ones decode to
clean shapes, (4) export of the model pack. Every phase is time-budgeted (the learning-rate schedule
follows elapsed time), logs its losses, and checkpoints so an interrupted run resumes where it was.
"""
import argparse
import copy
import json
import math
import os
import random
import socket
import time

# Before torch loads OpenBLAS: its thread pool oversubscribes the cores the workers already use.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch._utils import _flatten_dense_tensors, _unflatten_dense_tensors  # noqa: E402

import world  # noqa: E402
from dit_batches import dit_batches  # noqa: E402
from models import DiT, LATENT_CHANNELS, PATCH, TextEncoder, VideoAutoencoder, patchify  # noqa: E402

AE_FRAMES = [(1, 0.2), (5, 0.5), (9, 0.3)]
AE_FRAMES_PER_STEP = 40  # rendered frames per autoencoder or decoder step, over all workers
TOKEN_BUDGET = 1536  # latent tokens per DiT step over all workers (about 19 clips of 1:1 x 17 frames)
DIT_SIZE = {"width": 128, "depth": 4, "heads": 4}  # 1.4M parameters: what 55 min on 2 cores can train
EMA_DECAY = 0.998
DECODER_LR = 5e-4
DECODER_MAX_NOISE = 0.5  # in the DiT's unit-scale latent units


# What `--device cuda` trains by default: the 10.3M DiT (width 256, 8 layers) on 16k-token steps fed
# by renderer processes, and little time for the autoencoder and decoder, which a GPU trains in under a
# minute (4,100 and 2,078 steps). From scratch on one H100, 2026-11-26: 9.0 min of training, int8
# held-out colour 98%, direction 89%, shape 92.5%, occlusion 100% (training/results/gpu-scratch-h100-eval.json).
GPU_DEFAULTS = {"minutes": 9.0, "ae_share": 0.1, "decoder_share": 0.05, "dit_width": 256, "dit_depth": 8,
                "dit_heads": 8, "dit_lr": 5e-4, "token_budget": 16384,
                "loader_workers": max(1, (os.cpu_count() or 4) - 2)}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=55.0,
                   help="total training budget (all phases); the defaults shown are the CPU's, see GPU_DEFAULTS")
    p.add_argument("--ae-share", type=float, default=0.2, help="share of the budget for the autoencoder")
    # 0.2 each: with 0.25 / 0.1 (and a full 40-frame batch per worker) reconstructions kept 61-71%
    # of held-out shapes and capped the DiT's; with 0.2 / 0.2 and the frames split, 90% (model card).
    p.add_argument("--decoder-share", type=float, default=0.2,
                   help="share of the budget for the noise-robust decoder fine-tune after the DiT")
    p.add_argument("--run", default="training/runs/default", help="checkpoint and log folder")
    p.add_argument("--out", default="public/models/tessera-tiny", help="where the model pack goes")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--device", default="cpu")
    p.add_argument("--workers", type=int, default=2, help="CPU training processes (gradients averaged)")
    p.add_argument("--threads", type=int, default=1, help="torch threads per worker")
    p.add_argument("--dit-width", type=int, default=DIT_SIZE["width"])
    p.add_argument("--dit-depth", type=int, default=DIT_SIZE["depth"])
    p.add_argument("--dit-heads", type=int, default=DIT_SIZE["heads"])
    # 2e-3: in 24-min DiT A/B runs on the CPU (with --object-weight 1), held-out shapes 43 against 36
    # of ~90 with 1e-3; 4e-3 broke motion (directions 37 of 104; training/results/dit-loss-weight-ab.json).
    p.add_argument("--dit-lr", type=float, default=2e-3, help="peak learning rate")
    p.add_argument("--object-weight", type=float, default=1.0,
                   help="extra DiT loss weight on tokens that stand out from the clip's background (0: none)")
    # 1.2 and 1.7 in 24-min DiT A/B runs: directions 89 against 78 of 104 (validation), shapes no
    # better (training/results/dit-time-ab.json); a whole 55-min run with 1.2 (run E) kept run C's
    # shapes and directions and lost colour (cpu-runs-eval.json), so 0.7 stays.
    p.add_argument("--time-logit-mean", type=float, default=0.7,
                   help="mean of the logit-normal DiT training times (higher: more training near pure noise)")
    p.add_argument("--token-budget", type=int, default=TOKEN_BUDGET, help="latent tokens per DiT step, all workers")
    p.add_argument("--loader-workers", type=int, default=0,
                   help="processes that render DiT training clips (0: the training process renders them "
                        "and reuses encoded ones)")
    p.add_argument("--init-autoencoder", help="take the autoencoder of this checkpoint and start at the DiT")
    p.add_argument("--no-export", action="store_true")
    if p.parse_known_args(argv)[0].device.startswith("cuda"):
        p.set_defaults(**GPU_DEFAULTS)
    return p.parse_args(argv)


class Team:
    """The training processes: every step they average gradients and follow the leader's clock, so
    all of them take the same number of steps and the same learning rate. One process alone is a
    team of one (no torch.distributed at all)."""

    def __init__(self, rank, size):
        self.rank, self.size = rank, size
        self.is_leader = rank == 0
        if size > 1:
            dist.init_process_group("gloo", rank=rank, world_size=size)

    def elapsed(self, start):
        """Seconds since `start` on the leader's clock (the others' clocks may differ)."""
        value = torch.tensor([time.time() - start], dtype=torch.float64)
        if self.size > 1:
            dist.broadcast(value, 0)
        return value.item()

    def average_gradients(self, params):
        if self.size == 1:
            return
        grads = [p.grad for p in params if p.grad is not None]
        flat = _flatten_dense_tensors(grads)
        dist.all_reduce(flat)
        flat /= self.size
        for grad, averaged in zip(grads, _unflatten_dense_tensors(flat, grads)):
            grad.copy_(averaged)

    def total(self, count):
        """The sum of `count` over all processes (each draws its own batch size)."""
        if self.size == 1:
            return count
        value = torch.tensor([count])
        dist.all_reduce(value)
        return int(value.item())

    def share_from_leader(self, tensors):
        """Make every process hold the leader's values (e.g. latent statistics measured on its own clips)."""
        if self.size > 1:
            for tensor in tensors:
                dist.broadcast(tensor.data, 0)

    def finish(self):
        if self.size > 1:
            dist.barrier()
            dist.destroy_process_group()


class Run:
    """Checkpointing, logging and the time budget of one training run (written by the leader)."""

    def __init__(self, folder, budget_s, team, device):
        self.folder = folder
        self.team = team
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, "checkpoint.pt")
        self.log_file = open(os.path.join(folder, "log.txt"), "a") if team.is_leader else None
        self.budget_s = budget_s
        self.state = (torch.load(self.path, map_location=device) if os.path.exists(self.path)
                      else {"phase": "ae", "elapsed": {}})
        self.last_save = time.time()

    def log(self, message):
        if not self.team.is_leader:
            return
        line = f"{time.strftime('%H:%M:%S')} {message}"
        print(line, flush=True)
        self.log_file.write(line + "\n")
        self.log_file.flush()

    def save(self, rng=None, **parts):
        self.state.update(parts)
        self.last_save = time.time()
        if not self.team.is_leader:
            return
        if rng is not None:
            self.state["rng"] = rng.getstate()
        tmp = self.path + ".tmp"
        torch.save(self.state, tmp)
        os.replace(tmp, self.path)  # atomic: a kill mid-save leaves the previous checkpoint intact


def cosine_lr(base, progress, warmup=0.03):
    if progress < warmup:
        return base * progress / warmup
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, (progress - warmup) / (1 - warmup))))


def take_step(run, opt, params, loss, lr):
    """One optimizer step at `lr` on gradients averaged over the team, clipped to norm 1."""
    for group in opt.param_groups:
        group["lr"] = lr
    opt.zero_grad(set_to_none=True)
    loss.backward()
    run.team.average_gradients(params)
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()


# ---------------------------------------------------------------- phase 1: autoencoder

def edge_weight(clips):
    """Extra loss weight on object edges, where corners (and so shapes) live."""
    dx = (clips[..., :, 1:] - clips[..., :, :-1]).abs().amax(dim=1, keepdim=True)
    dy = (clips[..., 1:, :] - clips[..., :-1, :]).abs().amax(dim=1, keepdim=True)
    edges = torch.zeros_like(clips[:, :1])
    edges[..., :, 1:] += dx
    edges[..., :, :-1] += dx
    edges[..., 1:, :] += dy
    edges[..., :-1, :] += dy
    b, _, f, h, w = edges.shape
    flat = (edges > 0.05).float().transpose(1, 2).reshape(b * f, 1, h, w)
    dilated = F.max_pool2d(flat, 3, stride=1, padding=1).reshape(b, f, 1, h, w).transpose(1, 2)
    return 1.0 + 6.0 * dilated


def autoencoder_batch(rng, device, workers):
    """Fresh training clips [B, 3, F, H, W] of one random size and length: this worker's share of a
    step's AE_FRAMES_PER_STEP frames, as the DiT's workers split its tokens."""
    frames = rng.choices([f for f, _ in AE_FRAMES], [w for _, w in AE_FRAMES])[0]
    aspect = rng.choice(list(world.SIZES))
    specs = [world.sample_training_spec(rng) for _ in range(max(2, AE_FRAMES_PER_STEP // workers // frames))]
    return world.render_batch(specs, aspect, frames, rng).to(device)


def train_autoencoder(run, ae, args, rng):
    budget = run.budget_s * args.ae_share
    opt = torch.optim.AdamW(ae.parameters(), lr=2e-3, weight_decay=1e-4)
    if "ae_opt" in run.state:
        opt.load_state_dict(run.state["ae_opt"])
    elapsed = run.state["elapsed"].get("ae", 0.0)
    step = run.state.get("ae_step", 0)
    start = time.time() - elapsed
    while (elapsed := run.team.elapsed(start)) < budget:
        clips = autoencoder_batch(rng, args.device, run.team.size)
        lr = cosine_lr(2e-3, elapsed / budget)
        z = ae.encode_raw(clips)
        recon = ae.decode_raw(z + 0.05 * torch.randn_like(z))
        weight = edge_weight(clips)
        err = recon - clips
        loss = (weight * (err ** 2 + 0.5 * err.abs())).mean() + 1e-4 * (z ** 2).mean()
        take_step(run, opt, list(ae.parameters()), loss, lr)
        step += 1
        if step % 50 == 0:
            psnr = -10 * math.log10(max(1e-10, (err.detach() ** 2).mean().item()))
            run.log(f"ae step {step} t={elapsed:.0f}s loss={loss.item():.4f} psnr={psnr:.2f}dB lr={lr:.2e}")
        if time.time() - run.last_save > 120:
            run.state["elapsed"]["ae"] = elapsed
            run.save(rng, ae=ae.state_dict(), ae_opt=opt.state_dict(), ae_step=step)
    set_latent_statistics(ae, rng, args.device)
    run.team.share_from_leader([ae.latent_mean, ae.latent_std])
    run.state["elapsed"]["ae"] = budget
    run.save(rng, ae=ae.state_dict(), ae_opt=opt.state_dict(), ae_step=step, phase="dit")
    run.log(f"ae done after {step} steps; latent mean {ae.latent_mean.mean():.3f} std {ae.latent_std.mean():.3f}")


@torch.no_grad()
def set_latent_statistics(ae, rng, device):
    zs = []
    for aspect in world.SIZES:
        specs = [world.sample_training_spec(rng) for _ in range(24)]
        zs.append(ae.encode_raw(world.render_batch(specs, aspect, 9, rng).to(device)))
    flat = torch.cat([z.transpose(0, 1).reshape(z.shape[1], -1) for z in zs], dim=1)
    ae.latent_mean.copy_(flat.mean(dim=1))
    ae.latent_std.copy_(flat.std(dim=1) + 1e-4)


# ---------------------------------------------------------------- phase 2: text encoder + DiT

def dit_budget(run, args):
    return run.budget_s * (1 - args.ae_share - args.decoder_share)


def patch_dim():
    return LATENT_CHANNELS * PATCH[0] * PATCH[1] * PATCH[2]


def sample_timesteps(n, device, logit_mean):
    """Logit-normal times shifted toward noise: the coarse layout (colour, motion) is decided there."""
    return torch.sigmoid(torch.randn(n, device=device) + logit_mean)


def token_weights(tokens, strength):
    """Per-token loss weights [B, N, 1] with mean 1 per clip, larger where a token stands out from the
    clip's median token (the background): objects cover a few of a clip's tokens, so in a plain mean
    their shapes weigh little against the background, which the text's colour word settles early.
    Measured in 24-min DiT A/B runs (training/results/dit-loss-weight-ab.json): strength 0 / 1 / 3
    gave held-out shapes 29 / 36 / 39 of ~90 and directions 83 / 84 / 30 of 104; 3 starves motion.
    At lr 2e-3, strength 2 was no better than 1 (shapes 36 of 88 against 43 of 90).
    A whole 55-min default run with strength 1 and lr 2e-3: int8 shape 45% -> 62% (model card)."""
    if strength == 0:
        return torch.ones_like(tokens[..., :1])
    background = tokens.median(dim=1, keepdim=True).values
    distance = (tokens - background).norm(dim=-1, keepdim=True)
    weights = 1 + strength * (distance / distance.mean(dim=1, keepdim=True).clamp_min(1e-6)) ** 2
    return weights / weights.mean(dim=1, keepdim=True)


def train_dit(run, ae, text_encoder, dit, args, rng, vocab_index):
    budget = dit_budget(run, args)
    params = list(text_encoder.parameters()) + list(dit.parameters())
    on_gpu = args.device.startswith("cuda")
    opt = torch.optim.AdamW(params, lr=args.dit_lr, weight_decay=0.01, **({"fused": True} if on_gpu else {}))
    ema = {"text": copy.deepcopy(text_encoder), "dit": copy.deepcopy(dit)}
    if "dit" in run.state:
        opt.load_state_dict(run.state["dit_opt"])
        ema["text"].load_state_dict(run.state["ema_text"])
        ema["dit"].load_state_dict(run.state["ema_dit"])
    for model in ema.values():
        model.requires_grad_(False)
    elapsed = run.state["elapsed"].get("dit", 0.0)
    step, seen = run.state.get("dit_step", 0), run.state.get("dit_seen", 0)
    start = time.time() - elapsed
    running = None
    # Each worker takes its share of the step's tokens. On 2 cores, steps count more than batch size:
    # 55-min runs with 6,144 / 3,072 / 1,536 tokens per step took 2,805 / 5,300 / 11,491 steps of
    # about the same 200k clips and reached held-out direction 53% / 86% / 88%, shape 43% / 43% / 53%
    # (int8 packs through the CLI, model card). A worker takes at most token_budget // 48 single
    # images (by default 32 of the 48 that its 768 of the 1,536 tokens would hold).
    batches = dit_batches(ae, rng, vocab_index, args.token_budget // run.team.size, args.token_budget // 48,
                          args.device, args.loader_workers, args.seed)
    while (elapsed := run.team.elapsed(start)) < budget:
        x0, ids = next(batches)
        tokens, positions = patchify(x0)
        t = sample_timesteps(len(x0), args.device, args.time_logit_mean)
        noise = torch.randn_like(tokens)
        noisy = (1 - t[:, None, None]) * tokens + t[:, None, None] * noise
        # bf16 on a GPU (its matrix units); fp32 on the CPU, which has no fast bf16 here.
        with torch.autocast("cuda" if on_gpu else "cpu", dtype=torch.bfloat16, enabled=on_gpu):
            pred = dit(noisy, positions.to(args.device), t, text_encoder(ids))
        weights = token_weights(tokens, args.object_weight)
        loss = (weights * (pred.float() - (noise - tokens)) ** 2).mean()
        lr = cosine_lr(args.dit_lr, elapsed / budget)
        take_step(run, opt, params, loss, lr)
        update_ema(ema["text"], text_encoder, step)
        update_ema(ema["dit"], dit, step)
        step += 1
        seen += run.team.total(len(x0))
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 50 == 0:
            run.log(f"dit step {step} t={elapsed:.0f}s seen={seen} loss={running:.4f} lr={lr:.2e} "
                    f"rate={seen / max(1.0, elapsed):.1f} clips/s")
        if time.time() - run.last_save > 120:
            run.state["elapsed"]["dit"] = elapsed
            save_dit(run, rng, text_encoder, dit, ema, opt, step, seen)
    run.state["elapsed"]["dit"] = budget
    save_dit(run, rng, text_encoder, dit, ema, opt, step, seen, phase="decoder")
    run.log(f"dit done after {step} steps, {seen} clips")


def update_ema(ema_model, model, step):
    """EMA with warm-up: a fixed 0.998 would keep ~20% of the random init after 800 steps, and a
    CPU budget gives only a few thousand steps. One fused update for all tensors (a GPU step is short
    enough that a launch per tensor would show)."""
    decay = min(EMA_DECAY, (1 + step) / (10 + step))
    with torch.no_grad():
        averaged = list(ema_model.parameters())
        torch._foreach_mul_(averaged, decay)
        torch._foreach_add_(averaged, [p.detach() for p in model.parameters()], alpha=1 - decay)


def save_dit(run, rng, text_encoder, dit, ema, opt, step, seen, **extra):
    run.save(rng, text=text_encoder.state_dict(), dit=dit.state_dict(), ema_text=ema["text"].state_dict(),
             ema_dit=ema["dit"].state_dict(), dit_opt=opt.state_dict(), dit_step=step, dit_seen=seen, **extra)


# ---------------------------------------------------------------- phase 3: noise-robust decoder

def train_decoder(run, ae, args, rng):
    """Fine-tune the decoder alone on latents with added noise, targets the clean clips.

    The DiT's latents are never exact: with the phase-1 decoder, Gaussian noise of 0.3 (latents have
    unit scale) cut held-out shape recognition from 77% to 65%, 0.5 to 42% (measured 2026-11-25),
    and generated objects came out as blobs. Trained on noisy latents the decoder snaps them back
    to clean shapes. The encoder stays frozen, so the latents the DiT learned keep their meaning.
    """
    budget = run.budget_s * args.decoder_share
    params = list(ae.dec_time.parameters()) + list(ae.dec2d.parameters())
    opt = torch.optim.AdamW(params, lr=DECODER_LR, weight_decay=1e-4)
    if "decoder_opt" in run.state:
        opt.load_state_dict(run.state["decoder_opt"])
    elapsed = run.state["elapsed"].get("decoder", 0.0)
    step = run.state.get("decoder_step", 0)
    start = time.time() - elapsed
    ae.dec_time.train().requires_grad_(True)
    ae.dec2d.train().requires_grad_(True)
    while (elapsed := run.team.elapsed(start)) < budget:
        clips = autoencoder_batch(rng, args.device, run.team.size)
        with torch.no_grad():
            z = ae.encode(clips)
        sigma = torch.tensor([0.0 if rng.random() < 0.25 else rng.uniform(0, DECODER_MAX_NOISE)
                              for _ in range(clips.shape[0])], device=args.device)
        recon = ae.decode(z + sigma[:, None, None, None, None] * torch.randn_like(z))
        err = recon - clips
        loss = (edge_weight(clips) * (err ** 2 + 0.5 * err.abs())).mean()
        lr = cosine_lr(DECODER_LR, elapsed / budget)
        take_step(run, opt, params, loss, lr)
        step += 1
        if step % 50 == 0:
            run.log(f"decoder step {step} t={elapsed:.0f}s loss={loss.item():.4f} lr={lr:.2e}")
        if time.time() - run.last_save > 120:
            run.state["elapsed"]["decoder"] = elapsed
            run.save(rng, ae=ae.state_dict(), decoder_opt=opt.state_dict(), decoder_step=step)
    ae.eval().requires_grad_(False)
    run.state["elapsed"]["decoder"] = budget
    run.save(rng, ae=ae.state_dict(), decoder_opt=opt.state_dict(), decoder_step=step, phase="export")
    run.log(f"decoder done after {step} steps")


def reopened_phase(run, args):
    """The phase a run resumes in. A finished run given a larger --minutes trains its DiT and then
    its decoder further; the autoencoder never reopens once the DiT has learned its latents."""
    phase, elapsed = run.state["phase"], run.state["elapsed"]
    if phase in ("decoder", "export") and elapsed.get("dit", 0.0) < dit_budget(run, args):
        return "dit"
    if phase == "export" and elapsed.get("decoder", 0.0) < run.budget_s * args.decoder_share:
        return "decoder"
    return phase


# ---------------------------------------------------------------- main

def build_models(vocab_size, device, dit_size=DIT_SIZE):
    return (VideoAutoencoder().to(device), TextEncoder(vocab_size).to(device),
            DiT(patch_dim(), dim=dit_size["width"], depth=dit_size["depth"], heads=dit_size["heads"]).to(device))


def main():
    args = parse_args()
    workers = args.workers if args.device == "cpu" else 1
    if workers == 1:
        train_worker(0, args, 1)
        return
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", str(free_port()))
    torch.multiprocessing.spawn(train_worker, args=(args, workers), nprocs=workers)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def train_worker(rank, args, workers):
    team = Team(rank, workers)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # the same initial weights in every worker
    vocab = world.vocabulary()
    vocab_index = {w: i for i, w in enumerate(vocab)}
    run = Run(args.run, args.minutes * 60, team, args.device)
    # A resumed run keeps the DiT size it started with, whatever the flags say now.
    dit_size = run.state.setdefault("dit_size", {"width": args.dit_width, "depth": args.dit_depth,
                                                 "heads": args.dit_heads})
    ae, text_encoder, dit = build_models(len(vocab), args.device, dit_size)
    if "ae" not in run.state and args.init_autoencoder:
        run.state.update(ae=torch.load(args.init_autoencoder, map_location="cpu")["ae"], phase="dit")
        run.log(f"autoencoder taken from {args.init_autoencoder}")
    if "ae" in run.state:
        ae.load_state_dict(run.state["ae"])
    if "dit" in run.state:
        text_encoder.load_state_dict(run.state["text"])
        dit.load_state_dict(run.state["dit"])
    # Each worker draws its own scenes and noise; a resumed leader continues its saved sequence.
    torch.manual_seed(args.seed + 1000 * rank)
    rng = random.Random(f"{args.seed}-{rank}-{run.state.get('dit_step', 0)}-{run.state.get('ae_step', 0)}")
    if "rng" in run.state and team.is_leader:
        rng.setstate(run.state["rng"])
    run.state["phase"] = reopened_phase(run, args)
    counts = {name: sum(p.numel() for p in m.parameters()) for name, m in
              (("autoencoder", ae), ("text_encoder", text_encoder), ("dit", dit))}
    run.log(f"start: phase={run.state['phase']} budget={args.minutes} min workers={workers} "
            f"threads={args.threads} params={json.dumps(counts)}")
    if run.state["phase"] == "ae":
        ae.train()
        train_autoencoder(run, ae, args, rng)
    ae.eval().requires_grad_(False)
    if run.state["phase"] == "dit":
        train_dit(run, ae, text_encoder, dit, args, rng, vocab_index)
    if run.state["phase"] == "decoder":
        train_decoder(run, ae, args, rng)
    run.state["param_counts"] = counts
    run.save()
    team.finish()
    if team.is_leader and not args.no_export:
        import export
        export.export_pack(run.path, args.out)
        run.log(f"exported the model pack to {args.out}")


if __name__ == "__main__":
    main()
