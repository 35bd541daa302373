#!/usr/bin/env python3
"""Writes Tests/Fixtures/bases/: what tf-keras 2.x computes for VGG19, ResNet50, MobileNet,
MobileNetV2, InceptionV3 and Xception, for TLZooTests to compare tl's bases with.

Run with the tf-keras virtualenv:  /work/venv-tf/bin/python scripts/make_bases_fixtures.py [--summaries]
(--summaries writes the summaries and layer tables only; --extras only the cases of EXTRAS and the
DepthwiseConv2D(depth_multiplier=3) layer, added to the existing manifest).
No weight file is written: every weight is a formula of (layer name, weight index, element index) that
tl computes too (BaseWeightFormula in Tests/TLZooTests), so only inputs and outputs are committed.

For each model it records
  - {model}_top_summary.txt and {model}_notop_summary.txt: what model.summary() prints (tf-keras 2.x
    layout: long fields wrapped over several lines, "Connected to" as a list);
  - {model}_top.tsv and {model}_notop.tsv: one row per layer of model.layers (name, class, output shape
    as summary() prints it, parameter count, inbound layers), then the totals (include_top=True at the
    default size; include_top=False with input_shape=None);
  - {model}_input: a fixed batch of 2 images (a formula of the index, values about -1...1);
  - {model}_out_{layer}: the inference output at a few layers;
  - {model}_grad_{layer}_{weight}: d(sum(y * R))/dw after one training-mode pass with every layer from
    the last block on unfrozen, sampled (at most 1024 elements, evenly strided), with R = formula;
  - {model}_moving_{layer}_{mean,variance}: one unfrozen BatchNormalization's moving statistics after it,
    as Keras 3 updates them (`keras.layers.BatchNormalization` on the same input), and
    {model}_tfkeras_moving_{layer}_{mean,variance} as tf-keras 2.x does. They differ in the variance:
    tf-keras's fused kernel feeds the moving average the unbiased batch variance (times n / (n - 1)),
    Keras 3 the biased one; tl follows Keras 3, as it does elsewhere.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402
import keras as keras3  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests/Fixtures/bases")
MASK = 0xFFFFFFFF

MODELS = {
    # name: (constructor, parity input size, layers to record, first unfrozen layer, BN whose stats are recorded)
    "vgg19": (keras.applications.VGG19, 32, ["block1_conv2", "block3_pool", "block5_pool"], "block5_conv1", None),
    "resnet50": (keras.applications.ResNet50, 64, ["pool1_pool", "conv3_block4_out", "conv5_block3_out"],
                 "conv5_block3_1_conv", "conv5_block3_3_bn"),
    "mobilenet": (keras.applications.MobileNet, 64, ["conv_pw_3_relu", "conv_pw_11_relu", "conv_pw_13_relu"],
                  "conv_dw_13", "conv_pw_13_bn"),
    "mobilenetv2": (keras.applications.MobileNetV2, 64, ["block_2_add", "block_12_add", "out_relu"],
                    "block_16_expand", "Conv_1_bn"),
    "inceptionv3": (keras.applications.InceptionV3, 139, ["mixed0", "mixed5", "mixed10"], "after:mixed9",
                    "batch_normalization_93"),
    "xception": (keras.applications.Xception, 71, ["block2_pool", "add_5", "block14_sepconv2_act"],
                 "block14_sepconv1", "block14_sepconv2_bn"),
}


# Cases beyond Keras's defaults, parity only (no summary tables): written by --extras, which adds them to
# the existing manifest. mobilenet_dm2 is MobileNet(depth_multiplier=2); depthwise_dm3 one
# DepthwiseConv2D(depth_multiplier=3) layer.
EXTRAS = {
    "mobilenet_dm2": (lambda **kw: keras.applications.MobileNet(depth_multiplier=2, **kw), 64,
                      ["conv_dw_1_relu", "conv_pw_6_relu", "conv_pw_13_relu"], "conv_dw_13", "conv_pw_13_bn"),
}


def fnv1a(text):
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & MASK
    return h


def uniform(count, seed):
    """count values in [-1, 1): an integer hash of (seed, index), exactly reproducible in Swift."""
    i = np.arange(count, dtype=np.uint64)
    h = (i * np.uint64(2654435761) + np.uint64(seed)) & np.uint64(MASK)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(2246822519)) & np.uint64(MASK)
    h ^= h >> np.uint64(13)
    return h.astype(np.float64) / 4294967296.0 * 2.0 - 1.0


def formula_weight(layer_name, index, weight_name, shape):
    """The deterministic weight tl computes too: scaled by kind (kernels by fan-in; BN statistics not identity)."""
    seed = (fnv1a(layer_name) ^ ((index * 0x9E3779B1) & MASK)) & MASK
    u = uniform(int(np.prod(shape)), seed)
    if weight_name == "depthwise_kernel":
        v = u * np.sqrt(6.0 / (shape[0] * shape[1]))
    elif weight_name in ("kernel", "pointwise_kernel"):
        v = u * np.sqrt(6.0 / float(np.prod(shape[:-1])))
    elif weight_name == "bias":
        v = 0.05 * u
    elif weight_name == "gamma":
        v = 1.0 + 0.25 * u
    elif weight_name in ("beta", "moving_mean"):
        v = 0.1 * u
    elif weight_name == "moving_variance":
        v = 1.0 + 0.25 * (u + 1.0)
    else:
        raise ValueError(f"no formula for weight {weight_name} of {layer_name}")
    return v.astype(np.float32).reshape(shape)


def weight_short_name(variable):
    return variable.name.split("/")[-1].split(":")[0]


def set_formula_weights(model):
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([formula_weight(layer.name, k, weight_short_name(w), w.shape)
                               for k, w in enumerate(layer.weights)])


def shape_text(shape):
    if isinstance(shape, list):
        return ", ".join(shape_text(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def layer_rows(model):
    rows = []
    for layer in model.layers:
        inbound = []
        for node in layer._inbound_nodes:
            for inbound_layer, _, _, _ in node.iterate_inbound():
                inbound.append(inbound_layer.name)
        rows.append("\t".join([layer.name, layer.__class__.__name__, shape_text(layer.output_shape),
                               str(layer.count_params()), ",".join(inbound)]))
    trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
    total = model.count_params()
    rows.append(f"#totals\t{total}\t{trainable}\t{total - trainable}\t{model.name}")
    return "\n".join(rows) + "\n"


class Writer:
    def __init__(self):
        self.manifest = {}

    def array(self, name, values):
        values = np.asarray(values, dtype=np.float32)
        values.astype("<f4").tofile(os.path.join(OUT, name + ".f32"))
        self.manifest[name] = {"shape": list(values.shape)}


def sampled(values):
    flat = np.asarray(values).ravel()
    count = min(flat.size, 1024)
    stride = flat.size // count
    return flat[::stride][:count]


def first_unfrozen_index(model, marker):
    names = [layer.name for layer in model.layers]
    if marker.startswith("after:"):
        return names.index(marker[len("after:"):]) + 1
    return names.index(marker)


def parity(writer, key, constructor, size, record, unfreeze_from, bn_name):
    keras.backend.clear_session()
    model = constructor(weights=None, include_top=False, input_shape=(size, size, 3))
    set_formula_weights(model)
    x = uniform(2 * size * size * 3, 12345).reshape(2, size, size, 3).astype(np.float32)
    writer.array(f"{key}_input", x)
    probe = keras.Model(model.input, [model.get_layer(n).output for n in record])
    for name, y in zip(record, probe(x, training=False)):
        writer.array(f"{key}_out_{name}", y.numpy())
    start = first_unfrozen_index(model, unfreeze_from)
    for i, layer in enumerate(model.layers):
        layer.trainable = i >= start
    out_shape = model.output_shape
    r = uniform(2 * int(np.prod(out_shape[1:])), 777).reshape((2,) + tuple(out_shape[1:])).astype(np.float32)
    with tf.GradientTape() as tape:
        y = model(x, training=True)
        loss = tf.reduce_sum(y * r)
    grads = tape.gradient(loss, model.trainable_weights)
    names = []
    for w, g in zip(model.trainable_weights, grads):
        layer_name, weight = w.name.split("/")[-2], weight_short_name(w)
        names.append(f"{layer_name}/{weight}")
        writer.array(f"{key}_grad_{layer_name}_{weight}", sampled(g.numpy()))
    writer.manifest[f"{key}_grad_names"] = {"shape": [len(names)], "names": names}
    if bn_name:
        bn = model.get_layer(bn_name)
        writer.array(f"{key}_tfkeras_moving_{bn_name}_mean", bn.moving_mean.numpy())
        writer.array(f"{key}_tfkeras_moving_{bn_name}_variance", bn.moving_variance.numpy())
        # The same update by Keras 3, on the input the layer saw in the training pass.
        z = keras.Model(model.input, bn.input)(x, training=True).numpy()
        fresh = keras3.layers.BatchNormalization(momentum=bn.momentum, epsilon=bn.epsilon, scale=bn.scale)
        fresh.build(z.shape)
        fresh.set_weights([formula_weight(bn_name, k, weight_short_name(w), w.shape) for k, w in enumerate(bn.weights)])
        fresh(z, training=True)
        writer.array(f"{key}_moving_{bn_name}_mean", np.asarray(fresh.moving_mean))
        writer.array(f"{key}_moving_{bn_name}_variance", np.asarray(fresh.moving_variance))
    print(key, "loss", float(loss), "trainable", len(names))


def write_tables(key, constructor):
    for variant, top in (("top", True), ("notop", False)):
        keras.backend.clear_session()
        model = constructor(weights=None, include_top=top)
        with open(os.path.join(OUT, f"{key}_{variant}.tsv"), "w") as f:
            f.write(layer_rows(model))
        lines = []
        model.summary(print_fn=lines.append)
        with open(os.path.join(OUT, f"{key}_{variant}_summary.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")


def depthwise_layer(writer):
    """depthwise_dm3_*: DepthwiseConv2D((3, 3), strides 2, 'same', depth_multiplier=3, bias) on a (2, 9, 9, 4)
    batch: its output and d(sum(y * R))/d(kernel, bias, input)."""
    keras.backend.clear_session()
    layer = keras.layers.DepthwiseConv2D((3, 3), strides=(2, 2), padding="same", depth_multiplier=3, name="dw")
    x = uniform(2 * 9 * 9 * 4, 4242).reshape(2, 9, 9, 4).astype(np.float32)
    layer.build(x.shape)
    layer.set_weights([formula_weight("dw", k, weight_short_name(w), w.shape) for k, w in enumerate(layer.weights)])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
        r = uniform(int(np.prod(y.shape)), 777).reshape(y.shape).astype(np.float32)
        loss = tf.reduce_sum(y * r)
    dk, db, dx = tape.gradient(loss, [layer.depthwise_kernel, layer.bias, xt])
    for name, value in [("input", x), ("output", y.numpy()), ("grad_kernel", dk.numpy()), ("grad_bias", db.numpy()),
                        ("grad_input", dx.numpy())]:
        writer.array(f"depthwise_dm3_{name}", value)


def extras():
    """Adds the EXTRAS cases and the depthwise layer to the existing manifest."""
    writer = Writer()
    with open(os.path.join(OUT, "manifest.json")) as f:
        writer.manifest = json.load(f)
    for key, (constructor, size, record, unfreeze_from, bn_name) in EXTRAS.items():
        parity(writer, key, constructor, size, record, unfreeze_from, bn_name)
    depthwise_layer(writer)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(writer.manifest, f, indent=1, sort_keys=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    if "--extras" in sys.argv[1:]:
        extras()
        return
    summaries_only = "--summaries" in sys.argv[1:]
    writer = Writer()
    for key, (constructor, size, record, unfreeze_from, bn_name) in MODELS.items():
        write_tables(key, constructor)
        if not summaries_only:
            parity(writer, key, constructor, size, record, unfreeze_from, bn_name)
    if summaries_only:
        return
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(writer.manifest, f, indent=1, sort_keys=True)
    extras()


if __name__ == "__main__":
    main()
