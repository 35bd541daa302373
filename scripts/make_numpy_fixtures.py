#!/usr/bin/env python3
"""Writes Tests/TLLangTests/Fixtures/NumPyFixtures.swift: NumPy's own results for short programs that are
valid both in Python with NumPy and in tl, for NumPyParityTests to compare tl's arrays with.

Run with any python3 that has numpy 2.x:  python3 scripts/make_numpy_fixtures.py [--scale K] [--seed S]
(--scale 10 --seed 99 writes ten times as many random cases from other seeds, to probe further before
restoring the committed file with a plain run).
Each case is a few statements and a final expression; NumPy's `repr()` of that expression is recorded
(or "KindError: message" when it raises). tl runs the same lines and must print exactly the same text:
values, shapes, dtypes and NumPy's printing, errors by their Python kind and wording.
The programs avoid syntax tl's interpreter lacks today (`...`, `&`, `|`, `~`, f-strings) and the
hooks it does not call yet (`bool(array)`, `x in array`); NumPyParityTests reaches those through the
object's hooks directly.
"""
import os
import sys
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests/TLLangTests/Fixtures/NumPyFixtures.swift")

A = "a = np.arange(6).reshape(2, 3)\n"
F = "f = np.arange(12, dtype=np.float32).reshape(3, 4) / 4\n"

CASES = [
    # creation and default dtypes
    ("zeros default float64", "np.zeros((2, 3))"),
    ("zeros float32", "np.zeros(3, dtype='float32')"),
    ("ones int", "np.ones((2, 2), dtype=int)"),
    ("full int fill", "np.full((2, 2), 7)"),
    ("full float fill", "np.full(3, 2.5)"),
    ("zeros_like keeps dtype", A + "np.zeros_like(a)"),
    ("ones_like dtype", A + "np.ones_like(a, dtype=np.float32)"),
    ("array nested ints", "np.array([[1, 2], [3, 4]])"),
    ("array mixed int float", "np.array([1, 2.5, 3])"),
    ("array bools", "np.array([True, False, True])"),
    ("array bool and int", "np.array([True, 2])"),
    ("array of tuples", "np.array(((1, 2), (3, 4)), dtype=np.float32)"),
    ("array from arrays", "np.array([np.zeros(2), np.ones(2)])"),
    ("asarray scalar is 0-d", "np.asarray(3)"),
    ("asarray float 0-d", "np.asarray(2.5)"),
    ("array ragged", "np.array([[1, 2], [3]])"),
    ("arange int", "np.arange(5)"),
    ("arange start stop step", "np.arange(2, 11, 3)"),
    ("arange float", "np.arange(0, 1, 0.25)"),
    ("arange negative step", "np.arange(5, 0, -2)"),
    ("linspace", "np.linspace(0, 1, 5)"),
    ("linspace sevenths", "np.linspace(0, 1, 7)"),
    ("linspace no endpoint", "np.linspace(0, 1, 4, endpoint=False)"),
    ("eye", "np.eye(3)"),
    ("eye offset", "np.eye(2, 3, k=1, dtype=np.int64)"),
    ("empty float32", "np.array([], dtype=np.float32)"),
    ("empty 2-d", "np.zeros((0, 3))"),
    # printing
    ("print wide float row", "np.arange(30) / 7"),
    ("print scientific", "np.array([1e-5, 1.5])"),
    ("print large", "np.array([1e8, 1.0])"),
    ("print negative floats", "np.array([-1.5, 2.25, 0.0])"),
    ("print nan inf float32", "np.array([1.5, float('nan'), -float('inf')], dtype=np.float32)"),
    ("print all nan", "np.array([float('nan'), float('nan')])"),
    ("print float32 thirds", "np.array([1, 2, 3], dtype=np.float32) / 3"),
    ("print int widths", "np.array([[1, -20], [300, 4]])"),
    ("print summarised 1-d", "np.arange(1001)"),
    ("print summarised 2-d", "np.arange(2000.).reshape(2, 1000)"),
    ("print summarised 3-d", "np.zeros((20, 10, 10), dtype=np.float32)"),
    ("print 3-d", "np.arange(8).reshape(2, 2, 2)"),
    ("str of 2-d", A + "str(a / 2)"),
    ("str of bools", "str(np.array([True, False]))"),
    ("str of 0-d", "str(np.asarray(1.0))"),
    ("str of float32 scalar", "str(np.float32(0.1))"),
    ("repr of float64 scalar", "np.float64(0.5)"),
    ("repr of small scalar", "np.float64(1e-05)"),
    ("repr of bool scalar", "np.bool_(True)"),
    ("float32 repr long", "np.array([0.1, 1/3], dtype=np.float32)"),
    # promotion (NEP 50)
    ("float32 over python float", "(np.ones(2, dtype=np.float32) / 255.).dtype"),
    ("int over python int", "(np.arange(3) * 2).dtype"),
    ("int true divide", "np.arange(3) / 2"),
    ("int times float", "np.arange(3) * 0.5"),
    ("bool plus int", "np.array([True, False]) + 1"),
    ("bool plus bool", "np.array([True, False]) + np.array([True, True])"),
    ("float32 plus float64 array", "(np.ones(2, dtype=np.float32) + np.ones(2)).dtype"),
    ("float32 plus int array", "(np.ones(2, dtype=np.float32) + np.arange(2)).dtype"),
    ("numpy scalar is strong", "np.float64(2) * np.ones(2, dtype=np.float32)"),
    ("float32 scalar times int array", "np.float32(2) * np.arange(3)"),
    ("astype float32", A + "a.astype('float32')"),
    ("astype int truncates", "np.array([1.7, -1.7, 2.5]).astype(np.int64)"),
    ("astype bool", "np.array([0, 2, -1]).astype(bool)"),
    # arithmetic
    ("add broadcast row", A + "a + np.array([10, 20, 30])"),
    ("add broadcast column", A + "a + np.array([[100], [200]])"),
    ("reflected subtract", A + "10 - a"),
    ("reflected divide", A + "1 / (a + 1)"),
    ("floor divide negative", "np.array([-7, 7, -7, 7]) // np.array([2, 2, -2, -2])"),
    ("remainder negative", "np.array([-7, 7, -7, 7]) % np.array([2, 2, -2, -2])"),
    ("float floor divide", "np.array([-7.5, 7.5]) // 2"),
    ("float remainder", "np.array([-7.5, 7.5]) % 2"),
    ("int power", A + "a ** 2"),
    ("float power", "np.array([4.0, 9.0]) ** 0.5"),
    ("reflected power", "2 ** np.arange(4)"),
    ("negative power error", "np.arange(3) ** -1"),
    ("unary minus", A + "-a"),
    ("broadcast error", "np.zeros((2, 3)) + np.zeros(4)"),
    ("bool subtract error", "np.array([True]) - np.array([False])"),
    ("bool negative error", "-np.array([True])"),
    ("comparisons", A + "a >= 3"),
    ("equality with list", A + "a == [0, 4, 2]"),
    ("reflected comparison", A + "2 < a"),
    ("matmul", A + "a @ a.T"),
    ("matmul vector", A + "a @ np.array([1, 0, -1])"),
    ("dot vectors", "np.dot(np.array([1., 2.]), np.array([3., 4.]))"),
    ("matmul float32", "np.ones((2, 3), dtype=np.float32) @ np.ones((3, 2), dtype=np.float32)"),
    ("matmul mismatch", "np.matmul(np.ones((2, 3)), np.ones((2, 3)))"),
    ("dot mismatch", "np.dot(np.ones((2, 3)), np.ones(4))"),
    ("in place add", "x = np.ones(3)\nx += 1\nx"),
    ("in place through view", A + "v = a[:, 1]\nv *= 10\na"),
    ("in place float32 keeps dtype", "x = np.ones(2, dtype=np.float32)\nx /= 3\nx"),
    ("in place cast error", "x = np.arange(3)\nx += 1.5\nx"),
    ("in place broadcast", A + "a -= np.array([1, 1, 1])\na"),
    # indexing
    ("int index row", A + "a[1]"),
    ("int index element", A + "a[1, 2]"),
    ("negative index", A + "a[-1, -1]"),
    ("chained index", A + "a[1][0]"),
    ("slice rows", "np.arange(10)[2:8:2]"),
    ("negative step", "np.arange(10)[::-3]"),
    ("negative bounds", "np.arange(10)[-4:-1]"),
    ("negative step bounds", "np.arange(10)[7:2:-2]"),
    ("empty slice", "np.arange(10)[5:2]"),
    ("column", A + "a[:, 0]"),
    ("reverse columns", A + "a[:, ::-1]"),
    ("new axis", A + "a[:, None].shape"),
    ("new axis np.newaxis", "np.arange(3)[np.newaxis, :]"),
    ("index out of bounds", A + "a[2]"),
    ("index out of bounds axis 1", A + "a[0, 5]"),
    ("too many indices", "np.arange(3)[0, 0]"),
    ("bool mask", A + "a[a > 2]"),
    ("bool mask rows", A + "a[np.array([True, False])]"),
    ("bool mask wrong length", "np.zeros((2, 3))[np.array([True, False, True])]"),
    ("int list", A + "a[[1, 0, 1]]"),
    ("int list negative", "np.arange(5)[[-1, 0]]"),
    ("int list columns", A + "a[:, [2, 0]]"),
    ("two int lists", A + "a[[0, 1], [2, 0]]"),
    ("int list out of bounds", "np.arange(3)[[0, 5]]"),
    ("int array index", A + "a[np.array([1, 1])]"),
    ("scalar index from array", A + "i = np.argmax(np.array([0, 5]))\na[i]"),
    # assignment
    ("assign row number", A + "a[0] = 9\na"),
    ("assign slice list", "x = np.arange(6)\nx[2:4] = [7, 8]\nx"),
    ("assign nested list", A + "a[:, 1:] = [[10, 11], [12, 13]]\na"),
    ("assign broadcast row", "x = np.zeros((2, 3))\nx[:] = np.array([1, 2, 3])\nx"),
    ("assign mask", "x = np.arange(-3, 3)\nx[x < 0] = 0\nx"),
    ("assign mask count error", A + "a[a > 2] = np.array([1, 2])\na"),
    ("assign mask 2-d value error", A + "a[a > 2] = np.ones((2, 2))\na"),
    ("assign row mask value error", A + "a[np.array([True, False])] = np.ones(2)\na"),
    ("mask of a view", A + "v = a[:, ::-1]\nv[v > 2] = 0\na"),
    ("assign mask array", "x = np.arange(5.)\nx[x > 2] = np.array([10., 20.])\nx"),
    ("assign int list", "x = np.zeros(5)\nx[[0, 3]] = 1\nx"),
    ("assign float into int", "x = np.arange(3)\nx[0] = 2.7\nx"),
    ("assign strided", "x = np.zeros(6, dtype=np.float32)\nx[::2] = 1\nx"),
    ("assign negative step", "x = np.arange(5)\nx[::-1] = np.arange(5)\nx"),
    ("assign overlap", "x = np.arange(5)\nx[1:] = x[:-1]\nx"),
    ("assign shape error", "x = np.zeros(3)\nx[0:2] = np.ones(3)\nx"),
    ("batch into features", "features = np.zeros((6, 2))\nb = 2\ni = 1\nfeatures[i * b:(i + 1) * b] = np.ones((2, 2))\nfeatures"),
    ("view row write", A + "row = a[0]\nrow[:] = 0\na"),
    ("chained assign", A + "a[0][1] = 5\na"),
    ("mask copies", A + "m = a[a > 2]\nm[:] = 0\na"),
    ("list index copies", A + "c = a[[0]]\nc[:] = 0\na"),
    ("transpose view", A + "t = a.T\nt[0, 1] = 7\na"),
    ("reshape view", A + "r = a.reshape(-1)\nr[0] = 42\na"),
    # shape
    ("shape ndim size", A + "(a.shape, a.ndim, a.size, len(a))"),
    ("dtype repr", A + "a.dtype"),
    ("dtype str", "str(np.zeros(1, dtype=np.float32).dtype)"),
    ("reshape -1", A + "a.reshape(3, -1)"),
    ("reshape tuple", A + "np.reshape(a, (3, 2))"),
    ("reshape error", "np.zeros(6).reshape(4, 2)"),
    ("reshape two unknown", "np.zeros(6).reshape(-1, -1)"),
    ("flatten", A + "a.T.flatten()"),
    ("ravel", A + "a.ravel()"),
    ("transpose 3-d", "np.transpose(np.arange(24).reshape(2, 3, 4), (2, 0, 1)).shape"),
    ("transpose negative axes", "np.arange(6).reshape(2, 3).transpose(-1, 0)"),
    ("transpose method args", "np.arange(24).reshape(2, 3, 4).transpose(1, 0, 2).shape"),
    ("expand_dims", A + "np.expand_dims(a, -1).shape"),
    ("squeeze", "np.squeeze(np.zeros((1, 3, 1))).shape"),
    ("squeeze axis", "np.zeros((1, 3, 1)).squeeze(axis=0).shape"),
    ("concatenate", A + "np.concatenate([a, a])"),
    ("concatenate axis 1", A + "np.concatenate((a, a[:, :1]), axis=1)"),
    ("concatenate mismatch", "np.concatenate([np.zeros((2, 2)), np.zeros((3, 3))])"),
    ("concatenate promotes", "np.concatenate([np.zeros(1, dtype=np.float32), np.arange(2)])"),
    ("stack", A + "np.stack([a, a], axis=1).shape"),
    ("vstack", "np.vstack([np.arange(3), np.arange(3)])"),
    ("hstack", "np.hstack([np.arange(3), np.arange(2)])"),
    ("copy is independent", A + "c = a.copy()\nc[0, 0] = 99\na"),
    ("iteration rows", A + "r = []\nfor row in a:\n    r.append(row.sum())\nr"),
    ("axis error", A + "a.sum(axis=2)"),
    # reductions
    ("sum int scalar", A + "a.sum()"),
    ("sum axis 0", A + "a.sum(axis=0)"),
    ("sum axis -1 keepdims", A + "np.sum(a, axis=-1, keepdims=True)"),
    ("sum axis tuple", "np.arange(24).reshape(2, 3, 4).sum(axis=(0, 2))"),
    ("sum bools", "np.array([True, True, False]).sum()"),
    ("prod of a shape tuple", "np.prod((8, 8, 3))"),
    ("prod axis 0", A + "(a + 1).prod(axis=0)"),
    ("prod axis -1 keepdims", A + "np.prod(a + 1, axis=-1, keepdims=True)"),
    ("prod float32 stays float32", "np.prod(np.array([0.5, 0.25, 3.0], dtype=np.float32))"),
    ("prod empty is float 1", "np.prod([])"),
    ("prod bools", "np.prod(np.array([True, False]))"),
    ("prod float axis", F + "f.prod(axis=1)"),
    # int32 (Keras's labels, `(preds > 0.5).astype("int32")`) and uint8 (pixels, `img.astype("uint8")`)
    ("astype int32 of a comparison", "(np.array([0.2, 0.7, 0.5]) > 0.5).astype('int32')"),
    ("astype uint8 truncates and wraps", "np.array([1.5, 255.9, 300.7, 0.0]).astype(np.uint8)"),
    ("astype int32 out of range", "np.array([3e9, -2.5, 7.9]).astype(np.int32)"),
    ("int64 to uint8 wraps", "np.array([256, 257, -1]).astype(np.uint8)"),
    ("int64 to int32 wraps", "np.array([2**31, -2**31 - 1, 5]).astype(np.int32)"),
    ("uint8 plus python int stays uint8", "np.array([250, 3], dtype=np.uint8) + 10"),
    ("uint8 plus out of range python int", "np.array([1], dtype=np.uint8) + 300"),
    ("uint8 minus wraps", "np.array([0, 5], dtype=np.uint8) - np.array([1, 1], dtype=np.uint8)"),
    ("uint8 divided is float64", "np.array([51, 255], dtype=np.uint8) / 255"),
    ("uint8 times float32 stays float32", "np.array([2, 4], dtype=np.uint8) * np.array([0.5, 0.25], dtype=np.float32)"),
    ("int32 times float32 is float64", "np.array([2, 4], dtype=np.int32) * np.array([0.5, 0.25], dtype=np.float32)"),
    ("uint8 with int32", "np.array([200], dtype=np.uint8) + np.array([100], dtype=np.int32)"),
    ("int32 with int64", "np.array([1], dtype=np.int32) + np.array([2])"),
    ("uint8 compares with a large int", "np.array([1, 255], dtype=np.uint8) < 300"),
    ("uint8 mean is float64", "np.array([200, 101], dtype=np.uint8).mean()"),
    ("uint8 max keeps dtype", "np.array([3, 250], dtype=np.uint8).max()"),
    ("uint8 max over channels", "np.arange(12, dtype=np.uint8).reshape(2, 2, 3).max(axis=-1)"),
    ("int32 argmax", "np.argmax(np.array([[1, 9], [7, 2]], dtype=np.int32), axis=1)"),
    ("in-place uint8 add wraps", "x = np.zeros(3, dtype=np.uint8)\nx += 250\nx += 10\nx"),
    ("in-place uint8 refuses int32", "x = np.zeros(2, dtype=np.uint8)\nx += np.array([1, 2], dtype=np.int32)\nx"),
    ("in-place int32 refuses float", "x = np.zeros(2, dtype=np.int32)\nx += 0.5\nx"),
    ("in-place int32 takes uint8", "x = np.ones(2, dtype=np.int32)\nx *= np.array([3, 4], dtype=np.uint8)\nx"),
    ("uint8 negative wraps", "-np.array([1, 0], dtype=np.uint8)"),
    ("int32 abs and sign", "(np.abs(np.array([-3, 4], dtype=np.int32)), np.sign(np.array([-3, 0, 4], dtype=np.int32)))"),
    ("uint8 from an out of bounds list", "np.array([1, 300], dtype=np.uint8)"),
    ("np.uint8 scalar", "np.uint8(7)"),
    ("np.uint8 negative scalar", "np.uint8(-3)"),
    ("np.int32 scalar arithmetic", "np.int32(7) + 1"),
    ("int32 index array", "np.arange(10.)[np.array([1, 3], dtype=np.int32)]"),
    ("int32 matmul", "np.array([[1, 2]], dtype=np.int32) @ np.array([[3], [4]], dtype=np.int32)"),
    ("uint8 printing 2-d", "np.arange(0, 240, 20).astype(np.uint8).reshape(3, 4)"),
    ("uint8 and int32 dtype attributes", "(np.zeros(1, np.uint8).dtype.kind, np.zeros(1, 'int32').itemsize, np.zeros(1, 'uint8').dtype)"),
    ("uint8 floor divide and remainder", "(np.array([7, 200], dtype=np.uint8) // 3, np.array([7, 200], dtype=np.uint8) % 3)"),
    ("int32 floor divide negative", "np.array([-7, 7], dtype=np.int32) // 2"),
    ("where keeps int32", "np.where(np.array([True, False]), np.array([1, 2], dtype=np.int32), 0)"),
    ("unique int32 with counts", "np.unique(np.array([2, 1, 2], dtype=np.int32), return_counts=True)"),
    ("uint8 to bool", "np.array([0, 3], dtype=np.uint8).astype(bool)"),
    ("sqrt of int32 is float64", "np.sqrt(np.array([4, 9], dtype=np.int32))"),
    ("uint8 sorted", "np.sort(np.array([9, 1, 200], dtype=np.uint8))"),
    ("int32 empty", "np.zeros(0, dtype=np.int32)"),
    ("mean int", A + "np.mean(a)"),
    ("mean axis float32", F + "f.mean(axis=0)"),
    ("mean float32 scalar", F + "f.mean()"),
    ("mean float32 many", "np.arange(1000, dtype=np.float32).mean()"),
    ("sum float32 pairwise", "(np.arange(300, dtype=np.float32) / 7).sum()"),
    ("std int", A + "np.std(a)"),
    ("std float32", F + "np.std(f)"),
    ("var axis", A + "a.var(axis=1)"),
    ("std ddof", A + "a.std(ddof=1)"),
    ("max int scalar", A + "np.max(a)"),
    ("min axis", A + "a.min(axis=0)"),
    ("max nan", "np.max(np.array([1., float('nan'), 3.]))"),
    ("max empty", "np.zeros(0).max()"),
    ("argmax", "np.argmax(np.array([1, 7, 7, 2]))"),
    ("argmax axis", A + "np.argmax(a, axis=0)"),
    ("argmin axis 1", "np.argmin(np.array([[3, 1, 2], [0, 5, 0]]), axis=1)"),
    ("any all", A + "(np.any(a > 4), np.all(a >= 0), (a > 1).any(axis=0))"),
    # maths
    ("exp log", "np.log(np.exp(np.array([0., 1., 2.])))"),
    ("sqrt int gives float64", "np.sqrt(np.arange(4))"),
    ("abs sign", "(np.abs(np.array([-2, 3])), np.sign(np.array([-2., 0., 3.])))"),
    ("floor ceil", "(np.floor(np.array([-1.5, 1.5])), np.ceil(np.array([-1.5, 1.5])))"),
    ("round half even", "np.round(np.array([0.5, 1.5, 2.5, -0.5]))"),
    ("round decimals", "np.round(np.array([1.234, 5.678]), 1)"),
    ("clip", "np.clip(np.arange(6), 1, 4)"),
    ("clip float", "np.clip(np.array([-1., 0.5, 2.]), 0, 1)"),
    ("where", A + "np.where(a > 2, a, -1)"),
    ("where float", A + "np.where(a % 2 == 0, 1.5, a)"),
    ("where one argument", A + "np.where(a > 3)"),
    ("maximum minimum", "(np.maximum(np.array([1, 5]), 3), np.minimum(np.array([1., 5.]), np.array([2., 2.])))"),
    ("unique", "np.unique(np.array([3, 1, 3, 2, 1]))"),
    ("unique counts", "np.unique(np.array([0., 1., 1., 0., 1.]), return_counts=True)"),
    ("sort", "np.sort(np.array([[3, 1, 2], [9, 7, 8]]))"),
    ("sort axis 0", "np.sort(np.array([[3, 1], [2, 4]]), axis=0)"),
    ("argsort", "np.argsort(np.array([0.3, 0.1, 0.2]))"),
    ("allclose", "(np.allclose(np.array([1., 2.]), np.array([1., 2.000001])), np.allclose(np.ones(2), np.zeros(2)))"),
    ("isnan", "np.isnan(np.array([1., float('nan')]))"),
    # more printing
    ("print negative zero", "np.array([-0.0, 1.0])"),
    ("print big ints wrap", "np.arange(40) * 1000003"),
    ("print bools wrap", "np.arange(30) % 3 == 0"),
    ("print float32 digits", "np.array([3.14159265, 2.71828182, 1e-3], dtype=np.float32)"),
    ("print mixed magnitudes", "np.array([0.001, 1000.0])"),
    ("print ratio over 1000", "np.array([0.01, 100.0])"),
    ("print scientific negative", "np.array([-1e-7, 3e9])"),
    ("print inf only", "np.array([float('inf'), 1.0])"),
    ("print 4-d", "np.arange(16.).reshape(2, 2, 2, 2)"),
    ("print summarised float32 features", "np.arange(2000 * 2, dtype=np.float32).reshape(2000, 2) / 3"),
    ("print summarised bools", "np.arange(2000) % 2 == 0"),
    ("print column vector", "np.arange(3.).reshape(3, 1)"),
    ("print view of float32", "(np.arange(12, dtype=np.float32) / 8).reshape(3, 4)[::2, 1:3]"),
    ("str of 3-d", "str(np.arange(8).reshape(2, 2, 2))"),
    ("str float32 scalar from array", "str(np.ones(2, dtype=np.float32).sum() / 3)"),
    ("repr float32 scalar mean", "np.array([0.1, 0.2, 0.3], dtype=np.float32).mean()"),
    ("repr int scalar negative", "np.int64(-7)"),
    ("repr large float scalar", "np.float64(1e16)"),
    ("repr float32 scalar thresholds", "(np.float32(999999.0), np.float32(1234567.0), np.float32(0.0001), np.float64(0.0001), np.float64(1e15))"),
    ("repr 0-d bool", "np.asarray(True)"),
    ("repr 0-d via ellipsis free view", "np.asarray(4).reshape(())"),
    # more arithmetic and dtypes
    ("float32 floor divide", "np.array([7.5, -7.5], dtype=np.float32) // 2"),
    ("int divide by zero floor", "np.arange(3) // 0"),
    ("float divide by zero", "np.array([1.0, -1.0, 0.0]) / 0"),
    ("bool times float", "np.array([True, False]) * 2.5"),
    ("bool comparison", "np.array([True, False]) == np.array([True, True])"),
    ("int equality float", "np.arange(3) == 1.0"),
    ("float32 and int scalar strong", "np.ones(2, dtype=np.float32) * np.int64(3)"),
    ("power float32", "np.array([2.0, 3.0], dtype=np.float32) ** 2"),
    ("maximum float32 nan", "np.maximum(np.array([1.0, float('nan')], dtype=np.float32), 0.5)"),
    ("matmul int vector vector", "np.arange(3) @ np.arange(3)"),
    ("matmul 1-d 2-d", "np.arange(2.) @ np.arange(6.).reshape(2, 3)"),
    # more indexing
    ("3-d mixed", "np.arange(24).reshape(2, 3, 4)[1, :, ::2]"),
    ("3-d negative step middle", "np.arange(24).reshape(2, 3, 4)[:, ::-1, 0]"),
    ("slice beyond bounds", "np.arange(5)[3:100]"),
    ("slice before start", "np.arange(5)[-100:2]"),
    ("negative step all", "np.arange(5)[::-1]"),
    ("step zero", "np.arange(5)[::0]"),
    ("mask 2-d full", A + "a[np.array([[True, False, True], [False, True, False]])]"),
    ("list then slice", A + "a[[1], 1:]"),
    ("int and list", A + "a[1, [0, 2]]"),
    ("int and list apart", "np.arange(3).reshape((3, 1, 1))[1, 2::-2, [0, -1]]"),
    ("int and list apart empty", "np.arange(12, dtype=np.float32).reshape((1, 4, 3))[-1, 0:-5:1, [-1, 2]]"),
    ("new axis last", "np.arange(3)[:, None] * np.arange(2)"),
    ("index with numpy int", "np.arange(10)[np.int64(3)]"),
    ("index with float", "np.arange(3)[1.0]"),
    ("assign column", A + "a[:, 2] = [7, 8]\na"),
    ("assign 3-d block", "x = np.zeros((2, 2, 2))\nx[1, :, 1] = 5\nx"),
    ("assign to 0-d element", "x = np.zeros((2, 2), dtype=np.float32)\nx[1, 1] = 0.1\nx"),
    ("assign list broadcast", "x = np.zeros((2, 3))\nx[:] = [[1], [2]]\nx"),
    ("assign two int lists", A + "a[[0, 1], [0, 2]] = -1\na"),
    ("assign bool to float", "x = np.zeros(2)\nx[0] = True\nx"),
    ("in place on slice", "x = np.arange(6.)\nx[::2] += 10\nx"),
    ("in place multiply broadcast", A + "b = a.astype(np.float64)\nb *= np.array([[1.], [0.5]])\nb"),
    ("in place shape error", "x = np.zeros(3)\nx += np.zeros((2, 3))\nx"),
    # more reductions
    ("sum all axes tuple", "np.arange(6).reshape(2, 3).sum(axis=(0, 1))"),
    ("mean keepdims", A + "a.mean(axis=1, keepdims=True)"),
    ("var float32 axis", F + "f.var(axis=1)"),
    ("std float32 axis 0", F + "np.std(f, axis=0)"),
    ("min float32 scalar", F + "f.min()"),
    ("max bool", "np.array([False, True]).max()"),
    ("argmax float 2-d flat", F + "np.argmax(f)"),
    ("argmax nan", "np.argmax(np.array([1.0, float('nan'), 3.0]))"),
    ("sum empty", "np.zeros((0, 3)).sum(axis=0)"),
    ("mean float32 axis 1 long", "(np.arange(600, dtype=np.float32).reshape(2, 300) / 7).mean(axis=1)"),
    ("sum float32 axis 0 long", "(np.arange(600, dtype=np.float32).reshape(300, 2) / 7).sum(axis=0)"),
    ("sum transposed float32", "(np.arange(600, dtype=np.float32).reshape(300, 2) / 7).T.sum(axis=1)"),
    ("sum transposed reversed partial", "x = (np.arange(40, dtype=np.float32).reshape(5, 2, 4) * 1.37 - 20) ** 3\nx = x.T[::-1]\nnp.sum(x, axis=(0, 1), keepdims=True)"),
    ("sum reversed rows all", "x = (np.arange(25.).reshape(5, 5) * 0.37 - 3) ** 3\nx[::-1].sum()"),
    ("duplicate axis", A + "a.sum(axis=(0, 0))"),
    ("squeeze error", "np.zeros((2, 1)).squeeze(axis=0)"),
    ("stack error", "np.stack([np.zeros(2), np.zeros(3)])"),
    ("concatenate 0-d error", "np.concatenate([np.asarray(1), np.asarray(2)])"),
    ("concatenate axis none", A + "np.concatenate([a, a], axis=None)"),
    ("transpose axes error", A + "np.transpose(a, (0, 0))"),
    ("unique float32", "np.unique(np.array([2.5, 1.0, 2.5], dtype=np.float32))"),
    ("sort nan last", "np.sort(np.array([3.0, float('nan'), 1.0]))"),
    ("sort flat", "np.sort(np.array([[3, 1], [0, 2]]), axis=None)"),
    ("argsort axis 0", "np.argsort(np.array([[3, 1], [2, 4]]), axis=0)"),
    ("clip none upper", "np.clip(np.arange(5), 2, None)"),
    ("where broadcast", "np.where(np.array([True, False]), np.zeros((2, 2)), 1)"),
    ("exp float32", "np.exp(np.zeros(2, dtype=np.float32))"),
    ("log zero", "np.log(np.array([0.0, 1.0]))"),
    ("round negative decimals", "np.round(np.array([1234, 5678]), -2)"),
    ("round float32 decimals", "np.round(np.array([1.25, 2.35], dtype=np.float32), 1)"),
    # notebook idioms
    ("array of float32 scalars", "np.array([np.float32(1), np.float32(2)])"),
    ("index by argmax", "x = np.arange(10.) * 1.5\nx[np.argmax(x)]"),
    ("mask as float32", "(np.arange(5) > 2).astype('float32')"),
    ("accuracy by comparison", "np.mean(np.array([1, 2, 3]) == np.array([1, 0, 3]))"),
    ("image batch axis", "np.expand_dims(np.zeros((2, 2, 3)), axis=0).shape"),
    ("rescale in place", "img = np.full((2, 2, 3), 255, dtype=np.float32)\nimg /= 255.\n(img.dtype, img.max())"),
    ("shape from tuple sum", "np.zeros((1,) + (2, 3)).shape"),
    ("concatenate batches", "np.concatenate([np.zeros((2, 3), dtype=np.float32), np.ones((1, 3), dtype=np.float32)])"),
    ("max over two axes", "np.arange(24).reshape(2, 3, 4).max(axis=(0, 1))"),
    ("count evens", "np.sum(np.arange(10) % 2 == 0)"),
    ("unique bools", "np.unique(np.array([True, False, True]))"),
    ("top two", "np.argsort(-np.array([0.1, 0.7, 0.2]))[:2]"),
    ("round scalar", "np.round(np.float64(0.123456), 3)"),
    ("abs of python float", "np.abs(-2.5)"),
    ("sqrt of python int", "np.sqrt(16)"),
    ("clip scalar", "np.clip(np.float64(1.5), 0, 1)"),
    ("max of list", "np.max([1, 5, 3])"),
    ("mean of list", "np.mean([0.5, 0.7])"),
    ("std of list", "np.std([1., 2., 3., 4.])"),
    ("epochs range", "np.arange(1, 31)"),
    ("one-hot rows", "np.eye(3, dtype=np.float32)[np.array([2, 0])]"),
    ("threshold predictions", "(np.array([0.2, 0.8]) > 0.5).astype(np.int64)"),
    ("float32 predictions", "np.array([[0.1234567], [0.9876543]], dtype=np.float32)"),
    ("float32 scalar divide", "np.float32(1) / 3"),
    ("int scalar floor divide", "np.int64(7) // 2"),
    ("negative zero scalar", "-np.float64(0.0)"),
    ("float scalar power", "np.float64(2) ** 10"),
    ("int array times float scalar", "np.arange(3) * np.float64(0.5)"),
    ("len of strided", "len(np.arange(7)[::2])"),
    ("shape equals tuple", A + "a.shape == (2, 3)"),
    ("labels head", "np.array([0., 1., 1., 0., 1., 1., 0.], dtype=np.float32)[:5]"),
    ("transpose product", "np.array([[1, 2], [3, 4]]).T @ np.array([1, 1])"),
    ("features flattened", "np.zeros((4, 2, 2, 3), dtype=np.float32).reshape(4, -1).shape"),
    ("row sums float32", "np.ones((3, 5), dtype=np.float32).sum(axis=1)"),
    ("large int reduction", "np.arange(100000).sum()"),
    ("float64 mean of many", "(np.arange(10000) / 3).mean()"),
    ("float32 long sum", "(np.arange(20000, dtype=np.float32) / 3).sum()"),
    # scalars
    ("scalar arithmetic", A + "a.mean() * 2"),
    ("scalar plus array", A + "a.max() + np.arange(2)"),
    ("scalar float conversion", A + "float(a.mean())"),
    ("scalar int conversion", A + "int(a.max())"),
    ("scalar comparison", A + "a.max() > 4"),
    ("0-d plus number gives scalar", "np.asarray(3) + 1"),
    ("element of float32 array", "np.zeros(2, dtype=np.float32)[0]"),
    ("tolist", A + "a.tolist()"),
    ("item", "np.array([2.5]).item()"),
    ("truth of one element", "bool(np.array([0]))"),
    ("len of 2-d", "len(np.zeros((4, 2)))"),
    # everyday functions beyond the first set
    ("sin float64", "np.sin(np.linspace(0, 3, 7))"),
    ("cos of ints", "np.cos(np.arange(4))"),
    ("tan scalar", "np.tan(0.5)"),
    ("tanh float64", "np.tanh(np.array([-2.0, -0.5, 0.0, 0.5, 2.0]))"),
    ("arcsin arccos arctan", "(np.arcsin(0.5), np.arccos(np.array([1.0, 0.0, -1.0])), np.arctan(np.array([1.0, -1.0])))"),
    ("sinh cosh", "(np.sinh(np.array([0.0, 1.0])), np.cosh(np.array([0.0, 1.0])))"),
    ("log10 log2", "(np.log10(np.array([1, 10, 1000])), np.log2(np.array([1.0, 8.0, 0.5])))"),
    ("log1p expm1", "(np.log1p(np.array([0.0, 1e-10, 1.0])), np.expm1(np.array([0.0, 1e-10, 1.0])))"),
    ("exp2", "np.exp2(np.arange(5))"),
    ("square ints and floats", "(np.square(np.arange(-2, 3)), np.square(np.array([1.5, -0.5], dtype=np.float32)))"),
    ("isinf isfinite", "x = np.array([1.0, np.inf, -np.inf, np.nan])\n(np.isinf(x), np.isfinite(x), np.isfinite(np.arange(2)))"),
    ("cumsum flat", A + "np.cumsum(a)"),
    ("cumsum axis 0", A + "np.cumsum(a, axis=0)"),
    ("cumsum axis 1 float32", F + "f.cumsum(axis=1)"),
    ("cumsum bools", "np.cumsum(np.array([True, False, True]))"),
    ("cumprod", "np.cumprod(np.array([1, 2, 3, 4]))"),
    ("cumprod method float", "np.array([0.5, 2.0, 3.0]).cumprod()"),
    ("diff", "np.diff(np.array([1, 4, 9, 16]))"),
    ("diff n=2", "np.diff(np.array([1, 4, 9, 16, 25]), n=2)"),
    ("diff axis 0", A + "np.diff(a, axis=0)"),
    ("diff bools", "np.diff(np.array([True, True, False]))"),
    ("flip all", A + "np.flip(a)"),
    ("flip axis", A + "np.flip(a, axis=1)"),
    ("flip is a view", A + "b = np.flip(a, 0)\nb[0, 0] = 99\na"),
    ("fliplr flipud", A + "(np.fliplr(a), np.flipud(a))"),
    ("tile 1-d", "np.tile(np.array([1, 2]), 3)"),
    ("tile 2-d reps", "np.tile(np.array([1, 2]), (2, 2))"),
    ("tile float32", F + "np.tile(f[:1], (2, 1))"),
    ("repeat flat", A + "np.repeat(a, 2)"),
    ("repeat axis", A + "np.repeat(a, [1, 2], axis=0)"),
    ("repeat method", "np.array([1.5, 2.5]).repeat(3)"),
    ("repeat scalar", "np.repeat(3, 2)"),
    ("split sections", "np.split(np.arange(6), 3)"),
    ("split indices", "np.split(np.arange(8), [3, 5])"),
    ("split unequal error", "np.split(np.arange(5), 2)"),
    ("array_split", "np.array_split(np.arange(5), 2)"),
    ("split axis 1", A + "np.split(a, 3, axis=1)"),
    ("median odd", "np.median(np.array([3, 1, 2]))"),
    ("median even", "np.median(np.arange(4))"),
    ("median float32", "np.median(np.array([1, 2, 3, 4.5], dtype=np.float32))"),
    ("median axis", A + "np.median(a, axis=1)"),
    ("percentile", "np.percentile(np.arange(5), 33)"),
    ("percentile float32 scalar q", "np.percentile(np.array([1, 2, 3, 4.5], dtype=np.float32), 30)"),
    ("quantile list q float32", "np.quantile(np.array([1, 2, 3, 4.5], dtype=np.float32), [0.3, 0.5])"),
    ("percentile axis", A + "np.percentile(a, [50, 90], axis=0)"),
    ("percentile out of range", "np.percentile(np.arange(3), 101)"),
    ("quantile float64", "np.quantile(np.array([0.1, 0.7, 0.2, 0.9]), 0.75)"),
    ("isclose scalars", "np.isclose(1.0, 1.0000001)"),
    ("isclose arrays", "np.isclose(np.array([1.0, np.inf, np.nan, 2.0]), np.array([1.0, np.inf, np.nan, 2.1]))"),
    ("isclose equal_nan", "np.isclose(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), equal_nan=True)"),
    ("isclose finite vs inf", "np.isclose(np.array([1e300]), np.array([np.inf]))"),
    ("isclose tolerances", "np.isclose(np.array([100.0, 1.0]), np.array([101.0, 1.5]), rtol=0.01, atol=0.1)"),
    ("logical ops", "(np.logical_and([1, 0, 2], [1, 1, 0]), np.logical_or(np.array([0.0, 0.5]), 0), np.logical_xor(True, [True, False]), np.logical_not(np.arange(3)))"),
    ("meshgrid xy", "np.meshgrid(np.arange(2), np.arange(3))"),
    ("meshgrid ij", "np.meshgrid(np.arange(2), np.array([0.5, 1.5, 2.5]), indexing='ij')"),
]


def random_printing_cases(count=60, seed=13):
    """Arrays of random values over many magnitudes, written as literals, to exercise NumPy's float
    formatting (digits, rounding at 8 places, padding, the scientific switch, wrapping, nan and inf) and
    integer widths on values no one picked by hand."""
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(count):
        dtype = ["float32", "float64", "float64", "int64"][k % 4]
        n = int(rng.integers(1, 40))
        scale = 10.0 ** float(rng.integers(-7, 10))
        values = rng.standard_normal(n) * scale
        if k % 5 == 0:
            values = np.round(values, int(rng.integers(0, 4)))
        if k % 7 == 0:
            values[0] = 0.0
        if dtype != "int64" and k % 11 == 0:
            values[-1] = float("nan")
        if dtype != "int64" and k % 13 == 0:
            values[n // 2] = -float("inf")
        if dtype == "int64":
            values = np.clip(values, -1e15, 1e15).astype(np.int64)
        literal = "[" + ", ".join(("float('nan')" if v != v else "-float('inf')" if v == -np.inf else repr(v.item())) for v in values) + "]"
        shape = "" if n % 2 else f".reshape(2, {n // 2})"
        divide = " / 7" if k % 3 == 0 else ""
        cases.append((f"printing random {k} {dtype}", f"np.array({literal}, dtype=np.{dtype}){shape}{divide}"))
    return cases


def random_indexing_cases(count=200, seed=7):
    """Random subscripts (integers, slices with random bounds and steps, new axes, index lists, masks)
    read and assigned on random shapes, and random broadcasting pairs: NumPy's results on programs no
    one picked by hand."""
    rng = np.random.default_rng(seed)

    def bound(n):
        return str(int(rng.integers(-n - 2, n + 3))) if rng.random() < 0.7 else ""

    def entry(n):
        r = rng.random()
        if r < 0.25:
            return str(int(rng.integers(-n, n)))
        if r < 0.35:
            return "None"
        if r < 0.45:
            return "[" + ", ".join(str(int(v)) for v in rng.integers(-n, n, size=int(rng.integers(1, 4)))) + "]"
        step = int(rng.choice([-3, -2, -1, 1, 1, 2, 3])) if rng.random() < 0.6 else None
        return bound(n) + ":" + bound(n) + ("" if step is None else ":" + str(step))

    cases = []
    for k in range(count):
        shape = [int(v) for v in rng.integers(1, 5, size=int(rng.integers(1, 4)))]
        size = int(np.prod(shape))
        dtype = ["int64", "float64", "float32"][k % 3]
        setup = f"x = np.arange({size}, dtype=np.{dtype}).reshape({tuple(shape)})\n"
        entries = [entry(n) for n in shape[: int(rng.integers(1, len(shape) + 1))]]
        index = ", ".join(entries)
        if sum(e.startswith("[") for e in entries) > 1:
            index = ", ".join(e if not e.startswith("[") or i == 0 else ":" for i, e in enumerate(entries))
        kind = k % 4
        if kind == 0:
            cases.append((f"random index {k}", setup + f"x[{index}]"))
        elif kind == 1:
            cases.append((f"random assign {k}", setup + f"x[{index}] = -1\nx"))
        elif kind == 2:
            cases.append((f"random mask {k}", setup + f"x[x % 3 == 1] = 7\nx[x > {size // 2}]"))
        else:
            other = [int(rng.choice([1, n])) for n in shape][int(rng.integers(0, len(shape))):]
            op = ["+", "-", "*", "/", "//", "%", "<"][k % 7]
            cases.append((f"random broadcast {k}", setup + f"y = np.arange(1, {int(np.prod(other)) + 1}).reshape({tuple(other)})\nx {op} y"))
    return cases


def random_reduction_cases(count=120, seed=5):
    """Reductions of random data over random axes (int, negative, tuple, None), with keepdims, of every
    dtype, including transposed and strided views: values, dtypes and rounding as NumPy's."""
    rng = np.random.default_rng(seed)
    names = ["sum", "mean", "std", "var", "min", "max", "argmin", "argmax"]
    cases = []
    for k in range(count):
        shape = [int(v) for v in rng.integers(1, 6, size=int(rng.integers(1, 4)))]
        size = int(np.prod(shape))
        dtype = ["float32", "float64", "int64", "bool"][k % 4]
        values = rng.standard_normal(size) * 10.0 ** float(rng.integers(-3, 4))
        if dtype == "int64":
            values = np.round(values * 10)
        literal = "[" + ", ".join(repr(float(v)) for v in values) + "]"
        source = f"x = np.array({literal}, dtype=np.float64).reshape({tuple(shape)})"
        source += f".astype(np.{dtype})" if dtype != "bool" else " > 0"
        if k % 5 == 0 and len(shape) > 1:
            source += "\nx = x.T"
        if k % 7 == 0:
            source += "\nx = x[::-1]"
        name = names[k % len(names)]
        ndim = len(shape)
        r = rng.random()
        if name in ("argmin", "argmax"):
            axis = "None" if r < 0.3 else str(int(rng.integers(-ndim, ndim)))
        elif r < 0.25:
            axis = "None"
        elif r < 0.7:
            axis = str(int(rng.integers(-ndim, ndim)))
        else:
            picked = sorted(set(int(v) for v in rng.integers(0, ndim, size=int(rng.integers(1, ndim + 1)))))
            axis = "(" + ", ".join(map(str, picked)) + ("," if len(picked) == 1 else "") + ")"
        if dtype == "bool" and name in ("std", "var", "mean"):
            source = source.replace(" > 0", " > 0\nx = x.astype(np.int64)")
        keep = ", keepdims=True" if k % 3 == 0 else ""
        cases.append((f"random {name} {k} {dtype}", source + f"\nnp.{name}(x, axis={axis}{keep})"))
    return cases


def random_arithmetic_cases(count=120, seed=3):
    """Operators between random arrays of every dtype pair, NumPy scalars and Python numbers in both
    orders: NEP 50 promotion, Python's floor and modulo signs, float32 rounding, division by zero."""
    rng = np.random.default_rng(seed)
    dtypes = ["float32", "float64", "int64", "bool"]
    ops = ["+", "-", "*", "/", "//", "%", "**", "<", "==", ">="]
    cases = []

    def operand(kind, n):
        if kind == "python int":
            return str(int(rng.integers(-5, 6)))
        if kind == "python float":
            return repr(float(np.round(rng.standard_normal() * 3, 2)))
        if kind == "scalar":
            return f"np.{rng.choice(['float32', 'float64', 'int64'])}({int(rng.integers(-4, 5))})"
        dtype = kind
        values = np.round(rng.standard_normal(n) * 4, 1)
        if dtype in ("int64", "bool"):
            values = np.round(values)
        literal = "[" + ", ".join(repr(float(v)) for v in values) + "]"
        return f"np.array({literal}).astype(np.{dtype})" if dtype != "bool" else f"(np.array({literal}) > 0)"

    for k in range(count):
        n = int(rng.integers(1, 6))
        left = dtypes[k % 4]
        right = (dtypes + ["python int", "python float", "scalar"])[int(rng.integers(0, 7))]
        a, b = operand(left, n), operand(right, n)
        if k % 2:
            a, b = b, a
        op = ops[k % len(ops)]
        if op == "**":
            b = b.replace("-", "")  # no negative integer powers (an error tested elsewhere)
            # NumPy's float32 power is a SIMD routine that can differ from powf in the last bit.
            a, b = a.replace("float32", "float64"), b.replace("float32", "float64")
        if op in ("//", "%", "**") and a.endswith("> 0)") and b.endswith("> 0)"):
            op = "+"  # bool with bool gives int8 there, a dtype tl lacks (an error in tl)
        cases.append((f"random arithmetic {k}", f"{a} {op} {b}"))
    return cases


def random_narrow_integer_cases(count, seed):
    """uint8 and int32 against every dtype, Python numbers and NumPy scalars: promotion, wrapping, NEP 50."""
    rng = np.random.default_rng(seed)
    others = ["uint8", "int32", "int64", "float32", "float64", "bool", "python int", "python float", "scalar"]
    ops = ["+", "-", "*", "/", "//", "%", "**", "<", "==", ">="]
    cases = []

    def operand(kind, n):
        if kind == "python int":
            return str(int(rng.integers(-5, 300)))
        if kind == "python float":
            return repr(float(np.round(rng.standard_normal() * 3, 2)))
        if kind == "scalar":
            return f"np.{rng.choice(['uint8', 'int32', 'int64', 'float32'])}({int(rng.integers(0, 9))})"
        values = np.round(np.abs(rng.standard_normal(n)) * 60)
        if kind == "int32":
            values = values - 60
        literal = "[" + ", ".join(str(int(v)) for v in values) + "]"
        if kind == "bool":
            return f"(np.array({literal}) > 40)"
        return f"np.array({literal}, dtype=np.{kind})"

    for k in range(count):
        n = int(rng.integers(1, 6))
        left = ["uint8", "int32"][k % 2]
        right = others[int(rng.integers(0, len(others)))]
        a, b = operand(left, n), operand(right, n)
        if k % 3 == 0:
            a, b = b, a
        op = ops[k % len(ops)]
        if op == "**":
            # small non-negative exponents: negative integer powers are an error tested elsewhere
            b = f"np.array({[int(v) for v in rng.integers(0, 4, n)]}, dtype=np.{left})"
            a = a.replace("float32", "float64")
        cases.append((f"random narrow integers {k}", f"{a} {op} {b}"))
    return cases


def run(source):
    lines = source.split("\n")
    namespace = {"np": np}
    try:
        exec("\n".join(lines[:-1]), namespace)
        return repr(eval(lines[-1], namespace))
    except Exception as error:  # noqa: BLE001 - the kind is what is recorded
        for kind in (ValueError, IndexError, TypeError, ZeroDivisionError, KeyError, OverflowError):
            if isinstance(error, kind):
                return f"{kind.__name__}: {error}"
        raise


def swift_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main():
    scale = int(sys.argv[sys.argv.index("--scale") + 1]) if "--scale" in sys.argv else 1
    shift = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
    randoms = (random_printing_cases(60 * scale, 13 + shift) + random_indexing_cases(200 * scale, 7 + shift)
               + random_reduction_cases(120 * scale, 5 + shift) + random_arithmetic_cases(120 * scale, 3 + shift)
               + random_narrow_integer_cases(80 * scale, 11 + shift))
    rows = []
    for name, source in CASES + randoms:
        rows.append(f"        ({swift_string(name)}, {swift_string(source)},\n         {swift_string(run(source))}),")
    with open(OUT, "w") as out:
        out.write("// Generated by scripts/make_numpy_fixtures.py with numpy " + np.__version__ + "; do not edit.\n")
        out.write("// Each case: a name, a program valid in Python and in tl, and NumPy's repr() of its last line\n")
        out.write("// (or \"KindError: message\" when NumPy raises).\n\n")
        out.write("enum NumPyFixtures {\n    static let cases: [(name: String, source: String, expected: String)] = [\n")
        out.write("\n".join(rows) + "\n    ]\n}\n")
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
