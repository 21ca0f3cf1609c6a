"""Derive the near-words table the build ships from a word-vector table.

Reads only the output of make_table.py (itself made from jieba's dictionary
and a model, never content/ or tests/) and writes the table the build embeds:
for every word of the vocabulary, its segmentation cost and SIF weight, and
for every word of 2-4 characters its nearest words of 2-4 characters (cosine
>= TAU among the K nearest), after the vectors are centred and their top 3
principal directions removed (static word vectors share a common direction
that otherwise makes every word near every other).

    /tmp/sem/bin/python tools/semantic/make_near.py /tmp/semantic/table_e5.npz src/search/data/near.bin

Format, all integers little-endian (uncompressed: git compresses it in the
repository, and the build reads it without inflating):
  b"HBNEAR1\\n", u32 word count,
  per word: u8 byte length, UTF-8 bytes;
  per word: u16 cost (round(100 * -ln p)), u8 SIF weight (round(255 * a / (a + p)), a = 1e-4);
  per word: u8 neighbour count, then per neighbour u16 word index and u8 cosine (round(100 * cos)).
Prints the words, neighbour pairs, size and SHA-256 of the file it writes.
"""

import hashlib
import math
import struct
import sys

import numpy as np

K = 8
TAU = 0.55
SIF_A = 1e-4


def main():
    src, out = sys.argv[1], sys.argv[2]
    z = np.load(src)
    words = [str(w) for w in z["words"]]
    freqs = z["freqs"].astype(np.float64)
    assert len(words) < 65536
    v = z["V"].astype(np.float64)
    v = v - v.mean(axis=0)
    _, _, vt = np.linalg.svd(v[::4], full_matrices=False)
    for k in range(3):
        v = v - np.outer(v @ vt[k], vt[k])
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    p = freqs / freqs.sum()
    long = np.array([len(w) >= 2 for w in words])
    body = bytearray(b"HBNEAR1\n")
    body += struct.pack("<I", len(words))
    for w in words:
        b = w.encode("utf-8")
        body += struct.pack("<B", len(b)) + b
    for pi in p:
        body += struct.pack("<HB", round(100 * -math.log(pi)), round(255 * SIF_A / (SIF_A + pi)))
    pairs = 0
    for start in range(0, len(words), 2048):
        sims = v[start : start + 2048] @ v.T
        sims[:, ~long] = -1
        for r in range(sims.shape[0]):
            i = start + r
            if not long[i]:
                body += b"\x00"
                continue
            sims[r, i] = -1
            top = np.argpartition(-sims[r], K)[:K]
            # Most similar first, ties to the earlier word: the file is reproducible.
            top = sorted((j for j in top if sims[r, j] >= TAU), key=lambda j: (-round(100 * sims[r, j]), j))
            body += struct.pack("<B", len(top))
            for j in top:
                body += struct.pack("<HB", j, round(100 * sims[r, j]))
            pairs += len(top)
    data = bytes(body)
    with open(out, "wb") as f:
        f.write(data)
    print(f"{out}: {len(words)} words, {pairs} neighbour pairs, {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
