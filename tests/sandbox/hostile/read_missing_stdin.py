# expect: RE
# Reads input that was never given: EOF, not a hang.
value = input()
print("got", value)
