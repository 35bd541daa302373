#!/usr/bin/env python3
"""The Keras side of `tl bench augment`: batches/s of Keras's (legacy) ImageDataGenerator with the
walkthrough's augmentation (rotation 40, shifts 0.2, shear 0.2, zoom 0.2, horizontal flip, fill nearest,
rescale 1/255), batches of 20 at 150x150 read from the training folder, nothing else.

    .venv-keras/bin/python scripts/bench_keras_augment.py [--data DIR] [--batches N]

Keras builds each batch on the calling thread (the iterator has no worker pool of its own), so this is
its one-worker figure. Prints `key: value` lines like tl's.
"""
import argparse
import os
import resource
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from keras.src.legacy.preprocessing.image import ImageDataGenerator  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
parser = argparse.ArgumentParser()
parser.add_argument("--data", default=os.path.join(ROOT, "examples/data/cats_and_dogs_small/train"))
parser.add_argument("--batches", type=int, default=None, help="batches to time (default: one epoch)")
parser.add_argument("--batch-size", type=int, default=20)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

generator = ImageDataGenerator(rescale=1.0 / 255, rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
                               shear_range=0.2, zoom_range=0.2, horizontal_flip=True, fill_mode="nearest")
flow = generator.flow_from_directory(args.data, target_size=(150, 150), batch_size=args.batch_size,
                                     class_mode="binary", seed=args.seed)
count = args.batches or len(flow)
start = time.perf_counter()
images = 0
for _ in range(count):
    x, _y = next(flow)
    images += x.shape[0]
seconds = time.perf_counter() - start
print("workers: 1")
print(f"batches: {count}")
print(f"images: {images}")
print(f"augment_seconds: {seconds:.2f}")
print(f"batches_per_second: {count / seconds:.2f}")
print(f"images_per_second: {images / seconds:.1f}")
print(f"peak_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 // 1_000_000}")
