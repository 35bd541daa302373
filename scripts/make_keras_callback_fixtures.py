#!/usr/bin/env python3
"""Computes what Keras's metrics and callbacks give for fixed inputs, as a Swift fixture file for TLNNTests.

Run with the virtualenv holding tensorflow-cpu (Keras 3):
    /work/venv-tf/bin/python scripts/make_keras_callback_fixtures.py > Tests/TLNNTests/Fixtures/KerasCallbackFixtures.swift

Metrics are fed in several batches (Keras's metrics are stateful over an epoch). Callbacks are driven
epoch by epoch with scripted logs on a one-weight model whose weight is set to the epoch number before
each epoch ends, so the weights EarlyStopping restores name the epoch they come from.
"""
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import numpy as np
import keras


def f32(values):
    return [float(np.float32(v)) for v in values]


def swift_doubles(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n") + '"'


def metric_fixtures(out):
    rng = np.random.RandomState(7)
    predictions = np.concatenate([rng.uniform(0, 1, 30), [0.0, 1.0, 0.5, 0.5, 0.25, 0.75, 1 / 199]]).astype(np.float32)
    labels = (rng.uniform(0, 1, predictions.size) < 0.3 + 0.5 * predictions).astype(np.float32)
    batches = [(0, 10), (10, 25), (25, predictions.size)]
    out.append("    /// Binary predictions and labels, fed in the batches `batches` (start, end).")
    out.append(f"    static let binaryPredictions: [Float] = {swift_doubles(predictions)}")
    out.append(f"    static let binaryLabels: [Float] = {swift_doubles(labels)}")
    out.append(f"    static let batches: [(Int, Int)] = [{', '.join(f'({a}, {b})' for a, b in batches)}]")
    results = []
    for name, metric in [("auc", keras.metrics.AUC()), ("auc50", keras.metrics.AUC(num_thresholds=50)),
                         ("precision", keras.metrics.Precision()), ("recall", keras.metrics.Recall()),
                         ("binary_accuracy", keras.metrics.BinaryAccuracy())]:
        for a, b in batches:
            metric.update_state(labels[a:b].reshape(-1, 1), predictions[a:b].reshape(-1, 1))
        results.append((name, float(metric.result())))
    out.append("    /// Keras's result of each metric over all the batches.")
    out.append("    static let binaryResults: [String: Double] = [" + ", ".join(f'"{n}": {v!r}' for n, v in results) + "]")

    logits = rng.normal(size=(12, 3))
    probabilities = (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)).astype(np.float32)
    classes = rng.randint(0, 3, 12)
    one_hot = np.eye(3, dtype=np.float32)[classes]
    metric = keras.metrics.CategoricalAccuracy()
    metric.update_state(one_hot[:5], probabilities[:5])
    metric.update_state(one_hot[5:], probabilities[5:])
    out.append("    /// Softmax outputs (12 x 3) and one-hot labels, fed as rows 0..<5 then 5..<12.")
    out.append(f"    static let categoricalPredictions: [Float] = {swift_doubles(probabilities.ravel())}")
    out.append(f"    static let categoricalLabels: [Float] = {swift_doubles(one_hot.ravel())}")
    out.append(f"    static let categoricalAccuracy = {float(metric.result())!r}")


def one_weight_model():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    return model


def drive(callback, logs_per_epoch, model=None):
    """Runs `callback` over the scripted epochs; returns (epochs run, weight after the end, lr after each epoch, logs seen)."""
    model = model or one_weight_model()
    callback.set_model(model)
    callback.on_train_begin()
    rates, seen = [], []
    epochs_run = 0
    for epoch, logs in enumerate(logs_per_epoch):
        callback.on_epoch_begin(epoch)
        model.set_weights([np.full((1, 1), float(epoch), dtype=np.float32)])
        logs = dict(logs)
        callback.on_epoch_end(epoch, logs)
        rates.append(float(np.float32(model.optimizer.learning_rate.numpy())))
        seen.append(logs)
        epochs_run = epoch + 1
        if model.stop_training:
            break
    callback.on_train_end()
    return epochs_run, float(model.get_weights()[0][0, 0]), rates, seen


def callback_fixtures(out):
    losses = f32([0.9, 0.7, 0.69, 0.695, 0.5, 0.52, 0.515, 0.51, 0.6, 0.4])
    accs = f32([0.5, 0.6, 0.61, 0.6, 0.7, 0.72, 0.71, 0.70, 0.69, 0.8])
    out.append("    /// Scripted validation loss and accuracy per epoch.")
    out.append(f"    static let valLoss: [Double] = {swift_doubles(losses)}")
    out.append(f"    static let valAcc: [Double] = {swift_doubles(accs)}")
    logs = [{"loss": l + 0.05, "val_loss": l, "val_acc": a} for l, a in zip(losses, accs)]

    out.append("    /// EarlyStopping(monitor, patience, min_delta, restore_best_weights, mode, baseline (nan: None), start_from_epoch):")
    out.append("    /// epochs run, final weight (an epoch number).")
    rows = []
    for monitor, patience, min_delta, restore, mode, baseline, start in [
            ("val_loss", 2, 0.0, True, "auto", None, 0), ("val_loss", 1, 0.0, False, "auto", None, 0),
            ("val_loss", 2, 0.01, True, "min", None, 0), ("val_acc", 1, 0.0, True, "max", None, 0),
            ("val_acc", 3, 0.005, True, "max", None, 0), ("val_loss", 0, 0.0, True, "auto", None, 0),
            ("val_loss", 20, 0.0, True, "auto", None, 0), ("val_loss", 2, 0.0, True, "auto", 0.6, 0),
            ("val_acc", 1, 0.0, False, "max", 0.65, 0), ("val_loss", 1, 0.0, True, "auto", None, 3)]:
        cb = keras.callbacks.EarlyStopping(monitor=monitor, patience=patience, min_delta=min_delta,
                                           restore_best_weights=restore, mode=mode, baseline=baseline, start_from_epoch=start)
        epochs, weight, _, _ = drive(cb, logs)
        shown = ".nan" if baseline is None else repr(baseline)
        rows.append(f'        ("{monitor}", {patience}, {min_delta!r}, {"true" if restore else "false"}, "{mode}", {shown}, {start}, {epochs}, {weight!r}),')
    out.append("    static let earlyStopping: [(monitor: String, patience: Int, minDelta: Double, restore: Bool, mode: String, baseline: Double, startFromEpoch: Int, epochs: Int, weight: Double)] = [")
    out += rows
    out.append("    ]")

    out.append("    /// ReduceLROnPlateau(monitor, factor, patience, min_lr, cooldown, min_delta) from lr 0.1: the learning rate after each epoch.")
    rows = []
    for monitor, factor, patience, min_lr, cooldown, min_delta in [("val_loss", 0.5, 1, 0.0, 0, 1e-4), ("val_loss", 0.2, 2, 0.01, 1, 1e-4),
                                                                   ("val_acc", 0.5, 1, 0.03, 0, 0.0)]:
        cb = keras.callbacks.ReduceLROnPlateau(monitor=monitor, factor=factor, patience=patience, min_lr=min_lr,
                                               cooldown=cooldown, min_delta=min_delta, mode="auto" if monitor == "val_loss" else "max")
        _, _, rates, seen = drive(cb, logs)
        logged = [entry["learning_rate"] for entry in seen]
        rows.append(f'        ("{monitor}", {factor!r}, {patience}, {min_lr!r}, {cooldown}, {min_delta!r}, {swift_doubles(rates)}, {swift_doubles(logged)}),')
    out.append("    static let reduceOnPlateau: [(monitor: String, factor: Double, patience: Int, minLR: Double, cooldown: Int, minDelta: Double, rates: [Double], logged: [Double])] = [")
    out += rows
    out.append("    ]")

    cb = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.9)
    _, _, rates, _ = drive(cb, logs[:6])
    out.append("    /// LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.9) from 0.1: the rate in each epoch.")
    out.append(f"    static let scheduledRates: [Double] = {swift_doubles(rates)}")

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "log.csv")
        train_logs = [{"loss": l + 0.05, "acc": a - 0.1, "val_loss": l, "val_acc": a} for l, a in zip(f32([x + 0.05 for x in losses[:3]]), accs[:3])]
        train_logs = [{k: float(np.float32(v)) for k, v in entry.items()} for entry in train_logs]
        drive(keras.callbacks.CSVLogger(path), train_logs)
        with open(path, newline="") as f:
            with_validation = f.read()
        drive(keras.callbacks.CSVLogger(path), [{"loss": entry["loss"], "acc": entry["acc"]} for entry in train_logs])
        with open(path, newline="") as f:
            without_validation = f.read()
        out.append("    /// CSVLogger input: loss, acc, val_loss, val_acc per epoch (float32 values as Python floats).")
        out.append("    static let csvLogs: [[Double]] = [" + ", ".join(swift_doubles([e["loss"], e["acc"], e["val_loss"], e["val_acc"]]) for e in train_logs) + "]")
        out.append(f"    static let csvWithValidation = {swift_string(with_validation)}")
        out.append(f"    static let csvWithoutValidation = {swift_string(without_validation)}")

        saved = []
        template = os.path.join(folder, "ck-{epoch:02d}-{val_loss:.2f}.weights.h5")
        cb = keras.callbacks.ModelCheckpoint(template, monitor="val_loss", save_best_only=True, save_weights_only=True)
        drive(cb, logs)
        saved = sorted(os.path.basename(p) for p in os.listdir(folder) if p.startswith("ck-"))
        out.append("    /// ModelCheckpoint(\"ck-{epoch:02d}-{val_loss:.2f}.weights.h5\", save_best_only=True) over the scripted epochs: files written.")
        out.append("    static let checkpointFiles: [String] = [" + ", ".join(swift_string(s) for s in saved) + "]")


def main():
    out = [f"// Generated by scripts/make_keras_callback_fixtures.py from Keras {keras.__version__}, NumPy {np.__version__}. Do not edit.",
           "", "enum KerasCallbackFixtures {"]
    metric_fixtures(out)
    callback_fixtures(out)
    out.append("}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
