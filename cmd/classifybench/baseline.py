"""The scikit-learn baseline of classifybench: TF-IDF + LinearSVC, trained on
train.jsonl and measured on test.jsonl; prints a JSON list of results."""
import json
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_union
from sklearn.svm import LinearSVC


def load(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r["text"] for r in rows], [r["label"] for r in rows]


def main():
    train_x, train_y = load(sys.argv[1])
    test_x, test_y = load(sys.argv[2])
    results = []
    for name, vec in [
        ("sklearn tfidf(words) + LinearSVC", TfidfVectorizer()),
        ("sklearn tfidf(words 1-2, chars 3-5) + LinearSVC",
         make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True))),
    ]:
        start, cpu = time.perf_counter(), time.process_time()
        x = vec.fit_transform(train_x)
        clf = LinearSVC(C=1.0).fit(x, train_y)
        took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
        pred = clf.predict(vec.transform(test_x))
        results.append({"name": name, "accuracy": accuracy_score(test_y, pred),
                        "macro_f1": f1_score(test_y, pred, average="macro"), "train_seconds": took, "cpu_seconds": took_cpu})
    json.dump(results, sys.stdout)


main()
