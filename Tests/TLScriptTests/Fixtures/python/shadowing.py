# A user def shadows a command of the same name; del brings the command back.
def smooth_curve(points, factor=0.5):
    smoothed = []
    for point in points:
        if smoothed:
            smoothed.append(smoothed[-1] * factor + point * (1 - factor))
        else:
            smoothed.append(point)
    return smoothed
print(smooth_curve([1.0, 0.0, 0.0]))
def len(x):
    return 'mine'
print(len([1, 2]))
del len
print(len([1, 2]))
