"""Training batches for the DiT: clean latents of rendered clips and their caption token ids.

Two sources with one interface, `dit_batches(...)` yielding (latents [B, C, T, h, w], ids [B, L]):
- in-process (the CPU default): the training process renders clips, encodes them and reuses encoded
  ones from a pool, because rendering and encoding cost as much as a DiT step on 2 cores;
- `loader_workers > 0` (a GPU): separate processes render fresh clips in parallel, the GPU encodes
  them; one process renders about 1,000 clips/s, and the H200 run took 2,567 clips/s.
"""
import random

import torch

import world
from models import TEXT_LENGTH

DIT_FRAME_WEIGHTS = [0.12, 0.25, 0.28, 0.15, 0.2]  # over world.FRAME_COUNTS
CAPTION_DROPOUT = 0.1
BUCKETS = [(a, f) for a in world.SIZES for f in world.FRAME_COUNTS]
BUCKET_WEIGHTS = [DIT_FRAME_WEIGHTS[world.FRAME_COUNTS.index(f)] for _, f in BUCKETS]


def tokens_per_clip(aspect, frames):
    width, height = world.SIZES[aspect]
    t = (frames + 3) // 4
    return t * (height // 8) * (width // 8)


def clips_per_batch(bucket, tokens, max_clips):
    """Short clips get large batches, long ones small, at most `max_clips` (single images)."""
    return max(2, min(max_clips, tokens // tokens_per_clip(*bucket)))


def caption_ids(specs, rng, vocab_index):
    """One random phrasing per scene, or the empty caption (for classifier-free guidance)."""
    return torch.tensor([world.encode_caption(rng.choice(world.captions(s)), vocab_index, TEXT_LENGTH)
                         if rng.random() >= CAPTION_DROPOUT else [0] * TEXT_LENGTH for s in specs])


def dit_batches(ae, rng, vocab_index, tokens, max_clips, device, loader_workers=0, seed=0):
    """Endless (latents, ids) batches of about `tokens` latent tokens each, on `device`."""
    if loader_workers == 0:
        pool = LatentPool(ae, rng, device)
        while True:
            bucket = rng.choices(BUCKETS, BUCKET_WEIGHTS)[0]
            latents, specs = pool.batch(bucket, clips_per_batch(bucket, tokens, max_clips))
            yield latents, caption_ids(specs, rng, vocab_index).to(device)
    loader = torch.utils.data.DataLoader(RenderedBatches(seed, vocab_index, tokens, max_clips), batch_size=None,
                                         num_workers=loader_workers, pin_memory=device != "cpu",
                                         prefetch_factor=4, persistent_workers=True)
    for clips, ids in loader:
        with torch.no_grad():
            latents = ae.encode(clips.to(device, non_blocking=True).float() / 255)
        yield latents, ids.to(device, non_blocking=True)


class RenderedBatches(torch.utils.data.IterableDataset):
    """Endless batches of freshly rendered clips with caption ids; each loader process draws its own
    scenes. Clips travel as uint8 (a quarter of the bytes between processes); rounding moves the
    trails' half-tones by under 1/510."""

    def __init__(self, seed, vocab_index, tokens, max_clips):
        super().__init__()
        self.seed, self.vocab_index, self.tokens, self.max_clips = seed, vocab_index, tokens, max_clips

    def __iter__(self):
        torch.set_num_threads(1)
        info = torch.utils.data.get_worker_info()
        rng = random.Random(f"{self.seed}-loader-{info.id if info else 0}")
        while True:
            bucket = rng.choices(BUCKETS, BUCKET_WEIGHTS)[0]
            specs = [world.sample_training_spec(rng) for _ in range(clips_per_batch(bucket, self.tokens, self.max_clips))]
            clips = world.render_batch(specs, *bucket, rng)
            yield (clips * 255).round().to(torch.uint8), caption_ids(specs, rng, self.vocab_index)


class LatentPool:
    """Encoded training clips per (aspect, frames) bucket, reused a few times each.

    Rendering and encoding a batch cost about as much as a DiT step on this CPU, so most batches
    are drawn from clips already encoded; a steady share of fresh clips keeps the data unlimited.
    15% fresh (was 35%) kept a 55-min run at 92-100 clips/s with half the batch per step; such a
    run draws each encoded clip about 6-7 times (some 32k fresh clips among the 215k it draws).
    """

    FRESH_SHARE = 0.15
    CAPACITY = 3000

    def __init__(self, ae, rng, device):
        self.ae, self.rng, self.device = ae, rng, device
        self.items = {}

    def batch(self, bucket, size):
        items = self.items.setdefault(bucket, [])
        if len(items) < 3 * size or self.rng.random() < self.FRESH_SHARE:
            return self._fresh(bucket, size, items)
        picks = self.rng.sample(items, size)
        return torch.stack([z for z, _ in picks]), [s for _, s in picks]

    @torch.no_grad()
    def _fresh(self, bucket, size, items):
        specs = [world.sample_training_spec(self.rng) for _ in range(size)]
        latents = self.ae.encode(world.render_batch(specs, *bucket, self.rng).to(self.device))
        for z, spec in zip(latents, specs):
            if len(items) < self.CAPACITY:
                items.append((z, spec))
            else:
                items[self.rng.randrange(self.CAPACITY)] = (z, spec)
        return latents, specs
