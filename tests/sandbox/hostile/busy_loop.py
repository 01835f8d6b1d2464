# expect: TLE
# Burn CPU forever.
while True:
    pass
