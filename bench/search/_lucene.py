"""The Lucene peer: CJK bigram analyser + BM25, run through pyserini's bundled Anserini jar.

Runs under the SEPARATE venv (``bench/out/venv-lucene``, ``pip install pyserini==0.22.1``):
pyserini's own Python modules import faiss/torch at import time, so we load its jar with pyjnius
directly and use plain Lucene classes (Lucene 9.5 as shipped in that jar). The jar holds no
facet or highlighter modules, so Lucene timings cover query + count + top-k stored fields only.

Usage (called by quality.py / known_item.py / speed.py, not by hand):
    python _lucene.py CONFIG.json    → writes the JSON result named in the config

Config: {"corpus": path to JSONL {id, title, text[, access, date_key]}, "index": dir,
         "queries": JSONL {id, text[, access, dates]}, "k": 10, "out": path, "repeat": 1,
         "k1": 0.9, "b": 0.4}
Scoring is Anserini's default bag-of-words query: every analysed query token a SHOULD clause.
A query's ``access`` token (e.g. "public") and ``dates`` ([low, high] as YYYYMMDD) become FILTER
clauses (unscored, as Lantai's filters are), over the records' ``access`` tokens and their
``date_key`` doc values (checked per candidate, like tantivy's fast-field range).
"""

from __future__ import annotations

import glob
import json
import os
import sys
import time
from pathlib import Path

import jnius_config

_JARS = Path(sys.prefix) / "lib" / "python3.11" / "site-packages" / "pyserini" / "resources"
jnius_config.add_options("-Xmx8g")
jnius_config.add_classpath(glob.glob(str(_JARS / "jars" / "anserini-*-fatjar.jar"))[0])

from jnius import autoclass  # noqa: E402

CJKAnalyzer = autoclass("org.apache.lucene.analysis.cjk.CJKAnalyzer")
FSDirectory = autoclass("org.apache.lucene.store.FSDirectory")
Paths = autoclass("java.nio.file.Paths")
IndexWriter = autoclass("org.apache.lucene.index.IndexWriter")
IndexWriterConfig = autoclass("org.apache.lucene.index.IndexWriterConfig")
DirectoryReader = autoclass("org.apache.lucene.index.DirectoryReader")
IndexSearcher = autoclass("org.apache.lucene.search.IndexSearcher")
BM25Similarity = autoclass("org.apache.lucene.search.similarities.BM25Similarity")
Document = autoclass("org.apache.lucene.document.Document")
StringField = autoclass("org.apache.lucene.document.StringField")
TextField = autoclass("org.apache.lucene.document.TextField")
StoredField = autoclass("org.apache.lucene.document.StoredField")
FieldStore = autoclass("org.apache.lucene.document.Field$Store")
BooleanQueryBuilder = autoclass("org.apache.lucene.search.BooleanQuery$Builder")
BooleanClauseOccur = autoclass("org.apache.lucene.search.BooleanClause$Occur")
TermQuery = autoclass("org.apache.lucene.search.TermQuery")
Term = autoclass("org.apache.lucene.index.Term")
AnalyzerUtils = autoclass("io.anserini.analysis.AnalyzerUtils")
IndexSearcherCls = IndexSearcher
BooleanQuery = autoclass("org.apache.lucene.search.BooleanQuery")
NumericDocValuesField = autoclass("org.apache.lucene.document.NumericDocValuesField")


def build(corpus: str, index: str, k1: float, b: float) -> dict:
    started = time.perf_counter()
    config = IndexWriterConfig(CJKAnalyzer())
    config.setSimilarity(BM25Similarity(k1, b))
    config.setRAMBufferSizeMB(512.0)
    writer = IndexWriter(FSDirectory.open(Paths.get(index)), config)
    count = 0
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            doc = Document()
            doc.add(StringField("id", str(rec["id"]), FieldStore.YES))
            doc.add(TextField("contents", f"{rec['title']}\n{rec['text']}", FieldStore.NO))
            doc.add(StoredField("raw", rec["text"][:2000]))
            for token in rec.get("access", ()):
                doc.add(StringField("access", token, FieldStore.NO))
            if "date_key" in rec:
                doc.add(NumericDocValuesField("date_key", int(rec["date_key"])))
            writer.addDocument(doc)
            count += 1
    writer.forceMerge(1)
    writer.close()
    size = sum(p.stat().st_size for p in Path(index).iterdir())
    return {"records": count, "build_s": time.perf_counter() - started, "index_bytes": size}


def make_query(analyzer, text: str, access: str | None = None, dates: list | None = None):
    BooleanQuery.setMaxClauseCount(4096)
    builder = BooleanQueryBuilder()
    for token in AnalyzerUtils.analyze(analyzer, text).toArray():
        builder.add(TermQuery(Term("contents", token)), BooleanClauseOccur.SHOULD)
    bag = builder.build()
    if access is None and dates is None:
        return bag
    filtered = BooleanQueryBuilder()
    filtered.add(bag, BooleanClauseOccur.MUST)
    if access is not None:
        filtered.add(TermQuery(Term("access", access)), BooleanClauseOccur.FILTER)
    if dates is not None:
        low, high = (int(d) for d in dates)
        dated = NumericDocValuesField.newSlowRangeQuery("date_key", low, high)
        filtered.add(dated, BooleanClauseOccur.FILTER)
    return filtered.build()


def run(cfg: dict) -> dict:
    index = cfg["index"]
    result: dict = {}
    if not os.path.exists(os.path.join(index, "segments_1")) and not glob.glob(
        os.path.join(index, "segments_*")
    ):
        os.makedirs(index, exist_ok=True)
        result["build"] = build(cfg["corpus"], index, cfg.get("k1", 0.9), cfg.get("b", 0.4))
    reader = DirectoryReader.open(FSDirectory.open(Paths.get(index)))
    searcher = IndexSearcher(reader.getContext())
    searcher.setSimilarity(BM25Similarity(cfg.get("k1", 0.9), cfg.get("b", 0.4)))
    analyzer = CJKAnalyzer()
    k = cfg.get("k", 10)
    with open(cfg["queries"], encoding="utf-8") as fh:
        queries = [json.loads(line) for line in fh]
    runs, times = {}, {}
    for _ in range(cfg.get("repeat", 1)):
        for q in queries:
            t0 = time.perf_counter()
            query = make_query(analyzer, q["text"], q.get("access"), q.get("dates"))
            top = searcher.search(query, k)
            total = top.totalHits.value
            ids = []
            for sd in top.scoreDocs:
                stored = searcher.storedFields().document(sd.doc)
                ids.append(stored.get("id"))
                stored.get("raw")
            times.setdefault(q["id"], []).append(time.perf_counter() - t0)
            runs[q["id"]] = {"ids": ids, "total": total}
    result["runs"] = runs
    result["times"] = times
    return result


if __name__ == "__main__":
    config = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    Path(config["out"]).write_text(json.dumps(run(config)), encoding="utf-8")
