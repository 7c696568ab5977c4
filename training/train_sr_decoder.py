"""Train the super-resolving decoder (training/sr_decoder.py) alone, on the CPU, within a time budget.

    nice -n 5 /usr/bin/python3 training/train_sr_decoder.py [--minutes 40]
    nice -n 5 /usr/bin/python3 training/train_sr_decoder.py --unfreeze --init training/runs/sr-decoder/checkpoint.pt \
        --run training/runs/sr-decoder-2 --log training/results/sr-decoder-2-log.txt --sharpness-weight 2 --minutes 60

Inputs are the latents the shipped encoder makes of a scene drawn at the model size (hard edges,
the clips the DiT learned from), with the noise the pack's decoder was fine-tuned on (so the DiT's
inexact latents still decode to clean shapes); targets are the same scene drawn at four times the
linear size, anti-aliased (4 x 4 samples per pixel). The encoder and the DiT never change.
Checkpoints every two minutes to --run; a second call resumes. The log goes to --log.

By default the shipped decoder's time and 2D layers stay frozen and only the upsampling stages and
the RGB head learn. `--unfreeze` trains the whole decoder, starting from a trained checkpoint
(`--init`): the frozen 32-channel features were made for a 32-pixel frame and round the corners the
4x stages must then redraw. The latents are the same either way, as the encoder and DiT never change.
"""
import argparse
import math
import os
import random
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before torch: its pool fights torch's (train.py)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import world  # noqa: E402
from sr_decoder import UPSCALE, SuperResolvingDecoder, autoencoder_from_pack  # noqa: E402
from train import AE_FRAMES, DECODER_MAX_NOISE, cosine_lr, edge_weight  # noqa: E402

# Target frames per step at 4x, each as costly as 16 of the model-size decoder's: on the shared 2 cores
# (load ~9) 16 frames took 6 s a step, and more, smaller steps teach more in a short budget.
FRAMES_PER_STEP = 8
# 2 x 2 samples per pixel in training (the 4 x 4 of the evaluation cost 4x the rendering time, which
# took a third of a step); the loss's mean over many edges learns the same blend of edge pixels.
SUPERSAMPLE = 2
LR_NEW, LR_HEAD = 1e-3, 2e-4  # the new stages learn from zero; the shipped RGB head only adapts
# With --unfreeze all layers start trained: the stages go on at a lower rate, and the shipped time and
# 2D layers adapt slowly, so the features stay those that decode the DiT's noisy latents.
LR_UNFROZEN_STAGES, LR_UNFROZEN_TRUNK = 3e-4, 1e-4
GRADIENT_WEIGHT = 1.0  # L1 on image gradients: a blurred edge costs more than its pixel error says
# The sharpness loss compares the image-gradient energy of 8 x 8 cells (two model-size pixels), not of
# each pixel: the latents leave an edge's position at 4x uncertain by about that much, so per-pixel
# losses are lowest for the average of the possible edges, a blur; the cell's energy is the same
# wherever in it the edge lies, and a blur over k pixels has 1/k of it.
SHARPNESS_CELL = 8


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=40.0, help="training budget (resumed runs included)")
    p.add_argument("--pack", default="public/models/tessera-tiny-fp32", help="pack whose autoencoder to start from")
    p.add_argument("--run", default="training/runs/sr-decoder", help="checkpoint folder")
    p.add_argument("--log", default="training/results/sr-decoder-log.txt")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=2323)
    p.add_argument("--unfreeze", action="store_true", help="train the shipped decoder's time and 2D layers too")
    p.add_argument("--init", help="checkpoint whose decoder weights a new run starts from (ignored on resume)")
    p.add_argument("--gradient-weight", type=float, default=GRADIENT_WEIGHT, help="weight of the image-gradient L1")
    p.add_argument("--sharpness-weight", type=float, default=0.0, help="weight of the cell gradient-energy loss")
    return p.parse_args()


def training_pair(rng, frames_per_step=FRAMES_PER_STEP):
    """(model-size clips, 4x anti-aliased clips) of the same scenes, one random size and length."""
    frames = rng.choices([f for f, _ in AE_FRAMES], [w for _, w in AE_FRAMES])[0]
    aspect = rng.choice(list(world.SIZES))
    specs = [world.sample_training_spec(rng) for _ in range(max(1, frames_per_step // frames))]
    state = rng.getstate()
    small = world.render_batch(specs, aspect, frames, rng)
    rng.setstate(state)  # the same draws again: the same positions and sizes, at 4x
    large = world.render_batch(specs, aspect, frames, rng, scale=UPSCALE, supersample=SUPERSAMPLE)
    return small, large


def gradient_l1(recon, target):
    dx = lambda v: v[..., :, 1:] - v[..., :, :-1]  # noqa: E731
    dy = lambda v: v[..., 1:, :] - v[..., :-1, :]  # noqa: E731
    return (dx(recon) - dx(target)).abs().mean() + (dy(recon) - dy(target)).abs().mean()


def cell_gradient_energy(frames):
    """Squared image gradients, summed over channels, averaged over SHARPNESS_CELL x SHARPNESS_CELL cells."""
    dx = (frames[..., :-1, 1:] - frames[..., :-1, :-1]) ** 2
    dy = (frames[..., 1:, :-1] - frames[..., :-1, :-1]) ** 2
    energy = (dx + dy).sum(dim=1).flatten(0, 1)  # [B * F, H - 1, W - 1]
    return F.avg_pool2d(energy[:, None], SHARPNESS_CELL, ceil_mode=True)


def sharpness_loss(recon, target):
    """L1 between the cells' gradient magnitudes (the root of their energy): a blurred edge has too little."""
    return ((cell_gradient_energy(recon) + 1e-6).sqrt() - (cell_gradient_energy(target) + 1e-6).sqrt()).abs().mean()


def sr_loss(recon, target, gradient_weight=GRADIENT_WEIGHT, sharpness_weight=0.0):
    err = recon - target
    loss = (edge_weight(target) * (err ** 2 + 0.5 * err.abs())).mean() + gradient_weight * gradient_l1(recon, target)
    return loss + sharpness_weight * sharpness_loss(recon, target) if sharpness_weight else loss


def param_groups(decoder, unfreeze):
    """The optimizer's groups ({"params", "base" learning rate}); everything outside them stays frozen."""
    stages = list(decoder.up2.parameters()) + list(decoder.up4.parameters())
    head = list(decoder.base_rgb.parameters())
    if not unfreeze:
        return [{"params": head, "base": LR_HEAD}, {"params": stages, "base": LR_NEW}]
    trunk = list(decoder.dec_time.parameters()) + list(decoder.trunk.parameters())
    return [{"params": trunk, "base": LR_UNFROZEN_TRUNK}, {"params": head, "base": LR_UNFROZEN_TRUNK},
            {"params": stages, "base": LR_UNFROZEN_STAGES}]


class Log:
    def __init__(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.file = open(path, "a")

    def __call__(self, message):
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} {message}"
        print(line, flush=True)
        self.file.write(line + "\n")
        self.file.flush()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    log = Log(args.log)
    ae = autoencoder_from_pack(args.pack)
    decoder = SuperResolvingDecoder(autoencoder_from_pack(args.pack)).train()
    # Without --unfreeze the shipped decoder's time and 2D layers stay frozen: they already decode the
    # DiT's noisy latents to clean model-size features, and no backward pass through them halves a step's cost.
    groups = param_groups(decoder, args.unfreeze)
    trained = [p for g in groups for p in g["params"]]
    for p in trained:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(groups, weight_decay=1e-4)
    os.makedirs(args.run, exist_ok=True)
    path = os.path.join(args.run, "checkpoint.pt")
    state = torch.load(path) if os.path.exists(path) else {"elapsed": 0.0, "step": 0}
    rng = random.Random(args.seed)
    if "decoder" in state:
        decoder.load_state_dict(state["decoder"])
        opt.load_state_dict(state["opt"])
        rng.setstate(state["rng"])
    elif args.init:
        decoder.load_state_dict(torch.load(args.init)["decoder"])
        log(f"new run from the decoder weights of {args.init}")
    budget, step = args.minutes * 60, state["step"]
    log(f"start: step {step}, {state['elapsed']:.0f} s of {budget:.0f} s done, "
        f"{sum(p.numel() for p in trained)} of {sum(p.numel() for p in decoder.parameters())} parameters trained "
        f"({'whole decoder' if args.unfreeze else 'shipped time and 2D layers frozen'}), "
        f"gradient weight {args.gradient_weight}, sharpness weight {args.sharpness_weight}, {args.threads} threads")
    start, last_save, running = time.time() - state["elapsed"], time.time(), None
    while (elapsed := time.time() - start) < budget:
        small, large = training_pair(rng)
        with torch.no_grad():
            z = ae.encode(small)
            sigma = torch.tensor([0.0 if rng.random() < 0.25 else rng.uniform(0, DECODER_MAX_NOISE)
                                  for _ in range(len(z))])
            z = z + sigma[:, None, None, None, None] * torch.randn_like(z)
        with torch.set_grad_enabled(args.unfreeze):
            features = decoder.features(z)
        recon = decoder.render(features, len(z))
        loss = sr_loss(recon, large, args.gradient_weight, args.sharpness_weight)
        for group in opt.param_groups:
            group["lr"] = cosine_lr(group["base"], elapsed / budget)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        opt.step()
        step += 1
        running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
        if step % 25 == 0:
            psnr = -10 * math.log10(max(1e-10, (recon.detach().clamp(0, 1) - large).pow(2).mean().item()))
            log(f"step {step} t={elapsed:.0f}s loss={running:.4f} psnr={psnr:.2f}dB (this batch, noisy latents)")
        if time.time() - last_save > 120 or time.time() - start >= budget:
            save(path, decoder, opt, rng, elapsed, step)
            last_save = time.time()
    save(path, decoder, opt, rng, budget, step)
    log(f"done after {step} steps, {budget / 60:.1f} min of training")


def save(path, decoder, opt, rng, elapsed, step):
    tmp = path + ".tmp"
    torch.save({"decoder": decoder.state_dict(), "opt": opt.state_dict(), "rng": rng.getstate(),
                "elapsed": elapsed, "step": step}, tmp)
    os.replace(tmp, path)  # atomic: a kill mid-save keeps the previous checkpoint


if __name__ == "__main__":
    main()
