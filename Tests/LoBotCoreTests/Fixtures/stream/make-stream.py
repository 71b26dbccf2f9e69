# Seals a LoBot stream (version 2) with Python's `cryptography` AES-GCM, independently of
# LoBot's StreamCipher: the fixture RealFixtureTests opens. Run: python3 make-stream.py
import os, struct
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

key = bytes(range(32))            # a public test key
name = b"disk.lbst"               # the stream's name, in every chunk's additional data
chunk = 1 << 20
plain = bytes((i * 40503 >> 7) & 0xff for i in range(chunk + 1000))
prefix = os.urandom(8)
header = b"LBST" + bytes([2]) + prefix
out, index, start = header, 0, 0
while True:
    end = min(start + chunk, len(plain))
    final = end == len(plain)
    aad = header + bytes([len(name)]) + name + struct.pack(">I", index) + bytes([1 if final else 0])
    out += struct.pack(">I", end - start) + AESGCM(key).encrypt(prefix + struct.pack(">I", index), plain[start:end], aad)
    if final:
        break
    start, index = end, index + 1
open("disk.lbst", "wb").write(out)
