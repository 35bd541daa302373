history = {'acc': [0.5, 0.75]}
print(history['acc'][-1])
print(history['val_acc'])
