# Idioms notebooks use: annotations, docstrings, __name__, unbound methods as keys, type names.
def describe(values: list, scale: float = 1.0) -> str:
    """Scales the values and describes them."""
    scaled = [v * scale for v in values]
    return f"{len(scaled)} values, mean {sum(scaled) / len(scaled):.2f}"
count: int = 3
label: str
print(describe([1, 2, 3], scale=2), count)
words = ['banana', 'Apple', 'cherry']
print(sorted(words), sorted(words, key=str.lower), list(map(str.upper, words)))
scores = {'a': 3, 'b': 7, 'c': 5}
print(max(scores, key=scores.get), min(scores, key=lambda k: scores[k]), sorted(scores, key=scores.get, reverse=True))
print(type(None).__name__, type(3).__name__, type('s') is str, type(scores) == dict, type([]) == list)
print(*[1, 2, 3], sep='-', end='!\n')
if __name__ == '__main__':
    print('main block runs')
print(6 & 3, 6 | 3, 6 ^ 3, ~5, 1 << 10, 1024 >> 3, True & False, True | False)
flags = 0
flags |= 4
flags <<= 1
print(flags, int('-12'), int('+7'), float('-inf') < 0, 7 // 2 * 2 + 7 % 2)
batch_size = 20
sample_count = 100
steps = []
i = 0
while True:
    steps.append(i * batch_size)
    i += 1
    if i * batch_size >= sample_count:
        break
print(steps, i)
smoothed = []
for point in [1.0, 0.0, 0.5]:
    if smoothed:
        previous = smoothed[-1]
        smoothed.append(previous * 0.8 + point * (1 - 0.8))
    else:
        smoothed.append(point)
print([round(p, 4) for p in smoothed])
acc = [0.5, 0.6, 0.7]
epochs = range(1, len(acc) + 1)
print(epochs, list(epochs), len(epochs), epochs[-1], list(zip(epochs, acc)))
set_trainable = False
names = ['block4_pool', 'block5_conv1', 'block5_conv2']
trainable = {}
for name in names:
    if name == 'block5_conv1':
        set_trainable = True
    trainable[name] = set_trainable
print(trainable)
