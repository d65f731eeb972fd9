print("mmscope")
