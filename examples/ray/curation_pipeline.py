#!/usr/bin/env python3
"""A PDF-like curation pipeline on Ray Data, with and without libtrident's adapter.

CPU stages do real work on generated documents (parsing into pages, quality features with zlib, near-duplicate
signatures); the accelerator stages (OCR, embedding) are stood in by sleeps calibrated per page on logical GPUs,
so it runs anywhere -- no GPU needed.

    python3 examples/ray/curation_pipeline.py                 # Ray Data's own autoscaling
    python3 examples/ray/curation_pipeline.py --trident       # libtrident sizes the pools
"""
from __future__ import annotations

import argparse
import hashlib
import random
import time
import zlib

import ray
import ray.data
from ray.data import ActorPoolStrategy

WORDS = ("data pipeline model token page figure table result method energy market report annual revenue "
         "protein cell theorem proof network layer").split()
OCR_S_PER_PAGE = 0.02       # a calibrated stand-in for a VLM OCR model on one GPU
EMBED_S_PER_PAGE = 0.008


def make_document(i: int) -> dict:
    rng = random.Random(i)  # seeded: the same documents every run
    pages = rng.randint(1, 12)
    text = "\f".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 400))) for _ in range(pages))
    return {"doc_id": i, "text": text}


def parse(batch: dict) -> dict:
    """CPU: split into pages, count words."""
    batch["pages"] = [t.count("\f") + 1 for t in batch["text"]]
    batch["words"] = [len(t.split()) for t in batch["text"]]
    return batch


def quality(batch: dict) -> dict:
    """CPU: compression ratio (repetitive text compresses well) and a MinHash-like signature."""
    ratios, sigs = [], []
    for t in batch["text"]:
        raw = t.encode()
        ratios.append(len(zlib.compress(raw, 6)) / max(1, len(raw)))
        shingles = {raw[k:k + 16] for k in range(0, max(1, len(raw) - 16), 8)}
        sigs.append(min(hashlib.blake2b(s, digest_size=8).hexdigest() for s in shingles))
    batch["compression"] = ratios
    batch["signature"] = sigs
    return batch


class Ocr:
    """GPU stand-in: time proportional to the pages in the batch."""

    def __call__(self, batch: dict) -> dict:
        time.sleep(OCR_S_PER_PAGE * sum(batch["pages"]))
        batch["ocr_chars"] = [w * 6 for w in batch["words"]]
        return batch


class Embed:
    def __call__(self, batch: dict) -> dict:
        time.sleep(EMBED_S_PER_PAGE * sum(batch["pages"]))
        batch["embedding_dim"] = [768] * len(batch["pages"])
        return batch


def build(docs: int) -> ray.data.Dataset:
    return (ray.data.from_items([make_document(i) for i in range(docs)], override_num_blocks=max(1, docs // 8))
            .map_batches(parse, batch_size=8, num_cpus=0.5)
            .map_batches(quality, batch_size=8, num_cpus=0.5)
            .map_batches(Ocr, batch_size=8, num_gpus=1, num_cpus=0, compute=ActorPoolStrategy(min_size=1, max_size=2))
            .map_batches(Embed, batch_size=8, num_gpus=0.5, num_cpus=0,
                         compute=ActorPoolStrategy(min_size=1, max_size=2)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=800)
    ap.add_argument("--trident", action="store_true", help="let libtrident size the pools")
    args = ap.parse_args()
    ray.init(num_cpus=4, num_gpus=2, include_dashboard=False, log_to_driver=False,
             object_store_memory=512 * 1024**2, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    if args.trident:
        import trident.ray
        trident.ray.install(window_s=1.0, interval_s=5.0)
    t0 = time.perf_counter()
    rows = sum(len(b["doc_id"]) for b in build(args.docs).iter_batches(batch_size=None))
    wall = time.perf_counter() - t0
    print(f"{'trident' if args.trident else 'ray default'}: {rows} documents in {wall:.1f} s")
    if args.trident:
        cb = trident.ray.TridentCallback.last
        for p in cb.plans:
            print(f"  plan {p['id']} at {p['t_s']:.1f} s: {p['instances']}")
    ray.shutdown()


if __name__ == "__main__":
    main()
