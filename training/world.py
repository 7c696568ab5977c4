"""The procedural world: seeded scene sampling, exact rendering and detailed captions.

Every clip is rendered from a scene spec (a plain dict), and its captions are written from the
same spec: the analogue of Sora's re-captioning, where each training clip has a precise,
generated description. Rendering is vectorised over frames and pixels with torch so a batch of
clips costs milliseconds.
"""
import functools
import math
import random

import torch

FPS = 8
TEMPORAL = 4
SPATIAL = 4
SIZES = {"16:9": (56, 32), "1:1": (32, 32), "9:16": (32, 56)}  # (width, height)
FRAME_COUNTS = [1, 9, 17, 25, 33]  # 1 + 4k frames at 8 fps: an image, then about 1-4 s

COLOURS = {  # CSS named colours, exactly
    "red": (255, 0, 0), "green": (0, 128, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
    "orange": (255, 165, 0), "purple": (128, 0, 128), "white": (255, 255, 255), "black": (0, 0, 0),
}
PILLAR_COLOUR = "gray"
GRAY = (128, 128, 128)
SHAPES = ["circle", "square", "triangle"]
MOTIONS = ["moving left", "moving right", "moving up", "moving down", "staying still"]
DIRECTION = {"moving left": (-1, 0), "moving right": (1, 0), "moving up": (0, -1),
             "moving down": (0, 1), "staying still": (0, 0)}
KINDS = ["single", "pair", "occlusion", "trail", "pan"]
KIND_WEIGHTS = [0.36, 0.2, 0.16, 0.16, 0.12]


def rgb(name):
    value = GRAY if name == PILLAR_COLOUR else COLOURS[name]
    return torch.tensor(value, dtype=torch.float32) / 255.0


# ---------------------------------------------------------------- scene specs and held-out set

def spec_key(spec):
    """A canonical string for a scene's content, used to keep held-out scenes out of training."""
    return canonical_caption(spec)


def sample_spec(rng: random.Random):
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    colours = list(COLOURS)
    if kind == "pan":
        sky, hills, trees = rng.sample(colours, 3)
        return {"kind": "pan", "direction": rng.choice(["left", "right"]), "sky": sky,
                "hills": hills, "trees": trees}
    bg = rng.choice(colours)
    others = [c for c in colours if c != bg]
    if kind == "pair":
        c1, c2 = rng.sample(others, 2)
        m1, m2 = rng.sample(MOTIONS, 2)
        objs = [{"colour": c1, "shape": rng.choice(SHAPES), "motion": m1},
                {"colour": c2, "shape": rng.choice(SHAPES), "motion": m2}]
        return {"kind": "pair", "bg": bg, "objects": objs}
    obj = {"colour": rng.choice(others), "shape": rng.choice(SHAPES)}
    if kind == "occlusion":
        obj["motion"] = rng.choice(["moving left", "moving right"])
        return {"kind": "occlusion", "bg": bg, "objects": [obj]}
    if kind == "trail":
        obj["motion"] = rng.choice(MOTIONS[:4])
        return {"kind": "trail", "bg": bg, "objects": [obj]}
    obj["motion"] = rng.choice(MOTIONS)
    return {"kind": "single", "bg": bg, "objects": [obj]}


def held_out_specs():
    """Scenes never shown in training: the evaluation prompts. Fixed seed, so always the same."""
    return _scene_set(random.Random(20261125), sample_spec)


def validation_specs():
    """Scenes from the training distribution with their own seed, in the held-out set's mix: for
    choosing training and sampler settings, so that the held-out scores stay a test of the result."""
    return _scene_set(random.Random(777), sample_training_spec)


def _scene_set(rng, draw):
    specs, seen = [], set()
    wanted = {"single": 40, "occlusion": 16, "pair": 8}
    while any(wanted.values()):
        spec = draw(rng)
        if wanted.get(spec["kind"], 0) and spec_key(spec) not in seen:
            seen.add(spec_key(spec))
            specs.append(spec)
            wanted[spec["kind"]] -= 1
    return specs


@functools.lru_cache(maxsize=1)
def held_out_keys():
    return frozenset(spec_key(s) for s in held_out_specs())


def sample_training_spec(rng: random.Random):
    while True:
        spec = sample_spec(rng)
        if spec_key(spec) not in held_out_keys():
            return spec


# ---------------------------------------------------------------- captions

def _object_phrase(obj, style):
    colour, shape, motion = obj["colour"], obj["shape"], obj["motion"]
    if style == 1 and motion != "staying still":
        return f"a {colour} {shape} that moves {motion.split()[1]}"
    return f"a {colour} {shape} {motion}"


def _body(spec, style):
    kind = spec["kind"]
    if kind == "pan":
        return f"the camera pans {spec['direction']} over {spec['hills']} hills and {spec['trees']} trees"
    obj = spec["objects"][0]
    if kind == "occlusion":
        return (f"{_object_phrase(obj, style)} passes behind a {PILLAR_COLOUR} pillar"
                " and comes out again")
    if kind == "trail":
        return f"{_object_phrase(obj, style)} leaving a trail"
    return " and ".join(_object_phrase(o, style) for o in spec["objects"])


def captions(spec):
    """Several phrasings of one scene; the first is the canonical form prompt expansion targets."""
    if spec["kind"] == "pan":
        place, where = f"under a {spec['sky']} sky", f"a {spec['sky']} sky"
    else:
        place, where = f"on a {spec['bg']} background", f"a {spec['bg']} background"
    return [
        f"{_body(spec, 0)} {place}",
        f"{place}, {_body(spec, 1)}",
        f"{where} with {_body(spec, 0)}",
    ]


def canonical_caption(spec):
    return captions(spec)[0]


def vocabulary():
    """Every word any caption can contain, in a fixed order; index 0 is <pad>, 1 is <unk>."""
    words = set()
    for template_spec in _vocabulary_specs():
        for caption in captions(template_spec):
            words.update(tokenize_words(caption))
    return ["<pad>", "<unk>"] + sorted(words)


def _vocabulary_specs():
    for colour in COLOURS:
        for shape in SHAPES:
            for motion in MOTIONS:
                obj = {"colour": colour, "shape": shape, "motion": motion}
                yield {"kind": "single", "bg": colour, "objects": [obj]}
                yield {"kind": "pair", "bg": colour, "objects": [obj, obj]}
                yield {"kind": "occlusion", "bg": colour, "objects": [obj]}
                yield {"kind": "trail", "bg": colour, "objects": [obj]}
        for direction in ("left", "right"):
            yield {"kind": "pan", "direction": direction, "sky": colour, "hills": colour, "trees": colour}


def tokenize_words(text):
    out, word = [], []
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


def encode_caption(text, vocab_index, max_length):
    ids = [vocab_index.get(w, 1) for w in tokenize_words(text)][:max_length]
    return ids + [0] * (max_length - len(ids))


# ---------------------------------------------------------------- rendering

def _shape_mask(shape, cx, cy, r, xx, yy):
    """Masks [F, H, W] of a shape centred at (cx[f], cy[f]) with half-size r."""
    dx = xx[None] - cx[:, None, None]
    dy = yy[None] - cy[:, None, None]
    if shape == "circle":
        return dx * dx + dy * dy <= r * r
    if shape == "square":
        half = r * 0.9
        return (dx.abs() <= half) & (dy.abs() <= half)
    # An upward triangle: apex at the top, base at the bottom, as wide as it is tall.
    top, bottom = -r, r * 0.9
    frac = (dy - top) / (bottom - top)
    return (dy >= top) & (dy <= bottom) & (dx.abs() <= frac * r)


def _trajectory(motion, frames, width, height, r, rng, travel_fraction=0.45):
    """Centre positions over the clip: the object travels ~45% of the frame and stays inside it."""
    ux, uy = DIRECTION[motion]
    t = torch.linspace(0, 1, frames) if frames > 1 else torch.zeros(1)
    margin = r + 1
    travel_x, travel_y = travel_fraction * width * abs(ux), travel_fraction * height * abs(uy)
    x0 = rng.uniform(margin, max(margin, width - margin - travel_x))
    y0 = rng.uniform(margin, max(margin, height - margin - travel_y))
    if ux < 0:
        x0 = width - x0
    if uy < 0:
        y0 = height - y0
    return x0 + ux * travel_x * t, y0 + uy * travel_y * t


def render(spec, width, height, frames, rng: random.Random, scale=1, supersample=1):
    """Render a scene to a clip [3, F, H * scale, W * scale] in [0, 1].

    The scene is laid out at width x height whatever the scale, and the same rng draws give the same
    scene at every scale: scale 4 draws it with four times the pixels (the super-resolving decoder's
    targets). With supersample s each pixel is the mean of s x s point samples (anti-aliased edges);
    scale 1 with supersample 1 samples pixel centres, the training clips' hard edges.
    """
    step = scale * supersample
    ys = (torch.arange(height * step, dtype=torch.float32) + 0.5) / step
    xs = (torch.arange(width * step, dtype=torch.float32) + 0.5) / step
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    return _average_samples(_render_points(spec, width, height, frames, xx, yy, rng), supersample)


def _average_samples(clip, supersample):
    if supersample == 1:
        return clip
    return torch.nn.functional.avg_pool2d(clip, supersample)


def _render_points(spec, width, height, frames, xx, yy, rng):
    """The scene's colour at each point of the grid (xx, yy), in scene pixels: [3, F, *xx.shape]."""
    if spec["kind"] == "pan":
        return _render_pan(spec, width, height, frames, xx, yy, rng)
    clip = rgb(spec["bg"])[:, None, None, None].expand(3, frames, *xx.shape).clone()
    short = min(width, height)
    if spec["kind"] == "occlusion":
        _render_occlusion(clip, spec["objects"][0], width, height, frames, xx, yy, rng)
        return clip
    objects = spec["objects"]
    scale = rng.uniform(0.2, 0.26) if len(objects) == 1 else rng.uniform(0.16, 0.2)
    r = scale * short
    paths = [_trajectory(o["motion"], frames, width, height, r, rng) for o in objects]
    if len(objects) == 2:
        paths = _separate(objects, paths, frames, width, height, r, rng)
    for obj, (cx, cy) in zip(objects, paths):
        mask = _shape_mask(obj["shape"], cx, cy, r, xx, yy)
        colour = rgb(obj["colour"])
        if spec["kind"] == "trail":
            trail = torch.cummax(mask.to(torch.uint8), dim=0).values.bool()
            trail_colour = 0.5 * colour + 0.5 * rgb(spec["bg"])
            _paint(clip, trail, trail_colour)
        _paint(clip, mask, colour)
    return clip


def _separate(objects, paths, frames, width, height, r, rng):
    """Resample the second path until the two objects never overlap (at most 30 tries)."""
    for _ in range(30):
        (ax, ay), (bx, by) = paths
        if torch.min((ax - bx) ** 2 + (ay - by) ** 2) > (2.2 * r) ** 2:
            break
        paths[1] = _trajectory(objects[1]["motion"], frames, width, height, r, rng)
    return paths


def _render_occlusion(clip, obj, width, height, frames, xx, yy, rng):
    short = min(width, height)
    r = 0.16 * short
    pillar_half = r + 1.5
    centre = width / 2 + rng.uniform(-0.05, 0.05) * width
    ux = DIRECTION[obj["motion"]][0]
    t = torch.linspace(0, 1, frames) if frames > 1 else torch.zeros(1)
    start, end = r + 0.5, width - r - 0.5
    cx = start + (end - start) * t if ux > 0 else end - (end - start) * t
    cy = torch.full((frames,), rng.uniform(r + 1, height - r - 1))
    _paint(clip, _shape_mask(obj["shape"], cx, cy, r, xx, yy), rgb(obj["colour"]))
    pillar = ((xx - centre).abs() <= pillar_half)[None].expand(frames, -1, -1)
    _paint(clip, pillar, rgb(PILLAR_COLOUR))


def _render_pan(spec, width, height, frames, xx, yy, rng):
    """Two layers over a sky: far hills scroll slowly, near trees three times faster (parallax)."""
    clip = rgb(spec["sky"])[:, None, None, None].expand(3, frames, *xx.shape).clone()
    t = torch.linspace(0, 1, frames) if frames > 1 else torch.zeros(1)
    sign = -1.0 if spec["direction"] == "right" else 1.0  # the camera pans right: scenery moves left
    far = sign * 0.25 * width * t
    near = 3 * far
    phase = rng.uniform(0, 2 * math.pi)
    period = rng.uniform(0.5, 0.8) * width
    horizon = height * rng.uniform(0.45, 0.6)
    amp = height * 0.12
    hx = xx[None] - far[:, None, None]
    ridge = horizon + amp * torch.sin(2 * math.pi * hx / period + phase)
    _paint(clip, yy[None] >= ridge, rgb(spec["hills"]))
    spacing = rng.uniform(0.35, 0.5) * width
    trunk = max(2.0, 0.08 * width)
    tx = torch.remainder(xx[None] - near[:, None, None] + rng.uniform(0, spacing), spacing)
    top = height * rng.uniform(0.25, 0.4)
    trees = (tx <= trunk * 2) & (yy[None] >= top)
    _paint(clip, trees, rgb(spec["trees"]))
    return clip


def _paint(clip, mask, colour):
    clip[:, mask] = colour[:, None]


# ---------------------------------------------------------------- batches

def render_batch(specs, aspect, frames, rng, scale=1, supersample=1):
    width, height = SIZES[aspect]
    return torch.stack([render(s, width, height, frames, rng, scale, supersample) for s in specs])
