"""Golden token ids of fixed prompts for the synthetic tokenizer, computed with python3-sentencepiece.

    /usr/bin/python3 -m converter.wan.tokenizer_golden --checkpoint DIR --out test/fixtures/wan21/tokenizer-golden.json

The TypeScript tokenizer (@huggingface/tokenizers on the pack's tokenizer.json) must give the same ids.
`ids` are what Tessera feeds the text encoder: the SentencePiece ids with EOS appended, as the umT5
tokenizer does with special tokens on.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os

PROMPTS = [
    "a dog running on a beach at sunset", "A Dog RUNNING on the Beach!", "  leading and trailing spaces  ",
    "multiple   spaces   between words", "numbers 0 1 2 3 42 2024 and 3.14",
    "punctuation: commas, dots. (brackets) [square] {curly}?!", "hyphen-ated and under_scored words",
    "Café, naïve, résumé", "東京の夜景", "emoji 🐶🌅 in a prompt", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "tab\tseparated\nnew line", "xylophone zebra quokka", "", "a",
    "a cinematic close-up shot of an astronaut floating above the volcano, 4k, highly detailed",
    "I can't stop; it's 5 o'clock", "Ä Ö Ü ß ñ ç", "…ellipsis — em dash – en dash", "$100 & 50% off #tag @user",
]
EOS_ID = 1


def golden_ids(spiece_model: str) -> dict:
    import sentencepiece as spm  # python3-sentencepiece (Debian)

    processor = spm.SentencePieceProcessor(model_file=spiece_model)
    with open(spiece_model, "rb") as handle:
        model_sha = hashlib.sha256(handle.read()).hexdigest()
    return {
        "source": "python3-sentencepiece on converter/wan/synthetic.py's spiece.model; ids = encode(prompt) + [eos]",
        "spieceModelSha256": model_sha,
        "eosId": EOS_ID,
        "cases": [{"prompt": p, "ids": processor.encode(p) + [EOS_ID]} for p in PROMPTS],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="a synthetic checkpoint folder (converter/wan/synthetic.py)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    golden = golden_ids(os.path.join(args.checkpoint, "tokenizer", "spiece.model"))
    cases = ",\n".join("    " + json.dumps(case, ensure_ascii=False) for case in golden.pop("cases"))
    head = json.dumps(golden, indent=2, ensure_ascii=False)[:-2]
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(f'{head},\n  "cases": [\n{cases}\n  ]\n}}\n')


if __name__ == "__main__":
    main()
