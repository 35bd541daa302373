layers = []
layers.append('dense')
layers.push('dropout')
