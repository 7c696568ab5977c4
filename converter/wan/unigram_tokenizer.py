"""SentencePiece Unigram model -> Hugging Face `tokenizer.json`, laid out as transformers' converter
lays out the umT5 tokenizer (Precompiled normalizer from the model's charsmap, Metaspace, EOS appended)."""
from __future__ import annotations

import base64
from typing import Dict

# sentencepiece piece types (sentencepiece_model.proto): 1 normal, 2 unknown, 3 control, 4 user defined.
_UNKNOWN, _CONTROL = 2, 3


def spm_to_tokenizer_json(model_bytes: bytes) -> Dict[str, object]:
    """Convert a serialized `spiece.model` (Unigram) into a tokenizer.json dictionary."""
    from sentencepiece import sentencepiece_model_pb2  # python3-sentencepiece; only this path needs it

    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model_bytes)
    if proto.trainer_spec.model_type != 1:  # 1 = UNIGRAM
        raise ValueError(f"spiece.model: model_type {proto.trainer_spec.model_type} is not Unigram (1)")
    pieces = [[p.piece, float(p.score)] for p in proto.pieces]
    unk_ids = [i for i, p in enumerate(proto.pieces) if p.type == _UNKNOWN]
    if len(unk_ids) != 1:
        raise ValueError(f"spiece.model: expected one unknown piece, found {len(unk_ids)}")
    special = [{"id": i, "content": p.piece, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True}
               for i, p in enumerate(proto.pieces) if p.type in (_UNKNOWN, _CONTROL)]
    eos_piece = proto.pieces[proto.trainer_spec.eos_id].piece
    charsmap = proto.normalizer_spec.precompiled_charsmap
    normalizers = [{"type": "Strip", "strip_left": True, "strip_right": True},
                   {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]
    if charsmap:
        normalizers.insert(0, {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")})
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": special,
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": eos_piece, "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": eos_piece, "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": eos_piece, "type_id": 0}}],
            "special_tokens": {eos_piece: {"id": eos_piece, "ids": [proto.trainer_spec.eos_id], "tokens": [eos_piece]}},
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": unk_ids[0], "vocab": pieces, "byte_fallback": False},
    }
