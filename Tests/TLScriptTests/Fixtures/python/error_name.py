value = 1
print(value)
print(valeu)
