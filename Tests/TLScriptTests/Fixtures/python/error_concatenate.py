acc = 0.5
print('acc: ' + str(acc))
print('acc: ' + acc)
