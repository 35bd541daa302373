print("tl")
