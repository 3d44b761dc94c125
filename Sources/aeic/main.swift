print("aeic")
