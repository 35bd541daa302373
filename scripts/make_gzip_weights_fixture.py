#!/usr/bin/env python3
"""Writes Tests/Fixtures/bases/gzip_chunked_legacy.h5: a small tf-keras legacy weights file
whose every dataset is chunked and gzip-compressed (h5py's compression="gzip", shuffle), as HDF5 files
written by other tools can be. The model (ZeroPadding2D, Conv2D "conv", BatchNormalization "bn",
SeparableConv2D "sep") carries the formula weights of make_bases_fixtures.py, so the test compares what
tl reads with the formula.

Run with the tf-keras virtualenv:  /work/venv-tf/bin/python scripts/make_gzip_weights_fixture.py
"""
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import h5py  # noqa: E402
import tf_keras as keras  # noqa: E402

from make_bases_fixtures import OUT, set_formula_weights  # noqa: E402


def copy_compressed(source, target):
    for key, value in source.attrs.items():
        target.attrs[key] = value
    for name, item in source.items():
        if isinstance(item, h5py.Group):
            copy_compressed(item, target.create_group(name))
        else:
            data = item[()]
            compressed = target.create_dataset(name, data=data, chunks=True if data.ndim else None,
                                               compression="gzip" if data.ndim else None,
                                               shuffle=bool(data.ndim))
            for key, value in item.attrs.items():
                compressed.attrs[key] = value


def main():
    inputs = keras.Input((8, 8, 3))
    x = keras.layers.ZeroPadding2D(1, name="pad")(inputs)
    x = keras.layers.Conv2D(4, 3, name="conv")(x)
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.SeparableConv2D(5, 3, padding="same", name="sep")(x)
    model = keras.Model(inputs, x, name="tiny")
    set_formula_weights(model)
    with tempfile.TemporaryDirectory() as folder:
        plain = os.path.join(folder, "plain.h5")
        model.save_weights(plain)
        with h5py.File(plain, "r") as source, h5py.File(os.path.join(OUT, "gzip_chunked_legacy.h5"), "w") as target:
            copy_compressed(source, target)


if __name__ == "__main__":
    main()
