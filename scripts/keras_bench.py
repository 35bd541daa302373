"""Keras/TensorFlow side of scripts/bench: the same workloads as `tl bench`, printed as `key: value` lines.
Usage: keras_bench.py features DATA_DIR WEIGHTS_H5 IMAGES [vgg16|lite0|resnet50|mobilenet_v2] [PTH] [SIZE]
       keras_bench.py classifier EPOCHS"""
import os, sys, time, resource
import numpy as np
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
from keras.src.legacy.preprocessing.image import ImageDataGenerator


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 // 1_000_000


APPLICATIONS = {"resnet50": ("ResNet50", "resnet50"), "mobilenet_v2": ("MobileNetV2", "mobilenet_v2")}


def features(data, weights, images, base="vgg16", pth=None, size="150"):
    size = int(size)
    if base in APPLICATIONS:
        # Fresh weights (no ImageNet file offline): the speed does not depend on their values.
        constructor, module = APPLICATIONS[base]
        conv_base = getattr(keras.applications, constructor)(weights=None, include_top=False, input_shape=(size, size, 3))
        gen = ImageDataGenerator(preprocessing_function=getattr(keras.applications, module).preprocess_input)
    elif base == "lite0":
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "reference"))
        import efflite0
        conv_base = efflite0.build(pth, include_top=False, input_shape=(150, 150, 3))
        gen = ImageDataGenerator(preprocessing_function=lambda x: (x - 127.0) / 128.0)
    else:
        conv_base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(150, 150, 3))
        conv_base.load_weights(weights)
        gen = ImageDataGenerator(rescale=1. / 255)
    conv_base.predict(np.zeros((20, size, size, 3), dtype="float32"), verbose=0)  # warm-up and tracing
    t0 = time.time()
    done = 0
    for split in ("train", "validation", "test"):
        if done >= images:
            break
        flow = gen.flow_from_directory(os.path.join(data, split), target_size=(size, size), batch_size=20, class_mode="binary")
        for xb, _ in flow:
            take = min(len(xb), images - done)
            conv_base.predict(xb[:take], verbose=0)
            done += take
            if done >= images or flow.batch_index == 0:
                break
    seconds = time.time() - t0
    print(f"images: {done}")
    print(f"extract_seconds: {seconds:.2f}")
    print(f"images_per_second: {done / seconds:.2f}")
    print(f"peak_rss_mb: {peak_rss_mb()}")


def classifier(epochs):
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, (2000, 8192)).astype("float32")
    y = (np.arange(2000) % 2).astype("float32")
    model = keras.Sequential([keras.Input((8192,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dropout(0.5), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=2e-5), loss="binary_crossentropy", metrics=["acc"])
    model.fit(x[:40], y[:40], epochs=1, batch_size=20, verbose=0)  # tracing
    t = time.time()
    model.fit(x, y, epochs=epochs, batch_size=20, verbose=0)
    seconds = time.time() - t
    print(f"classifier_fit_seconds: {seconds:.2f}")
    print(f"classifier_seconds_per_epoch: {seconds / epochs:.3f}")
    print(f"peak_rss_mb: {peak_rss_mb()}")


if __name__ == "__main__":
    if sys.argv[1] == "features":
        features(sys.argv[2], sys.argv[3], int(sys.argv[4]), *(sys.argv[5:8]))
    elif sys.argv[1] == "classifier":
        classifier(int(sys.argv[2]))
    else:
        sys.exit(f"unknown workload {sys.argv[1]}")
