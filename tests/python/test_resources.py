"""Memory ownership (every library string and handle freed once) and use from threads."""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List
from unittest import mock

from _support import AS_OF, SAMPLE_NAMES, first_sample, sample_dict, sample_path, sample_text

import postmortem as pm
from postmortem import _lib


def _rss_bytes() -> int:
    """The resident set size now (Linux), else the peak (other Unix systems)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _typo_text() -> str:
    d = first_sample()
    d["incident"]["sumary"] = d["incident"].pop("summary")
    del d["incident"]["title"]
    return json.dumps(d)


class Ownership(unittest.TestCase):
    def test_every_returned_string_is_freed_exactly_once(self) -> None:
        lib = _lib.lib()
        with pm.Document.load(sample_path(SAMPLE_NAMES[0])) as doc, \
                mock.patch.object(lib, "pm_free", wraps=lib.pm_free) as pm_free:
            for _ in range(25):
                doc.to_json()
                doc.to_json(pretty=True)
                doc.validate_json()
            self.assertEqual(pm_free.call_count, 75)
            freed = [c.args[0].value for c in pm_free.call_args_list]
            self.assertTrue(all(freed), "pm_free was called with NULL")

    def test_findings_are_freed_after_reading_them(self) -> None:
        lib = _lib.lib()
        with pm.Document.parse(_typo_text()) as doc, \
                mock.patch.object(lib, "pm_findings_free",
                                  wraps=lib.pm_findings_free) as findings_free:
            for _ in range(10):
                self.assertTrue(doc.validate())
            self.assertEqual(findings_free.call_count, 10)

    def test_nothing_is_freed_when_a_call_fails(self) -> None:
        lib = _lib.lib()
        with mock.patch.object(lib, "pm_free", wraps=lib.pm_free) as pm_free:
            with self.assertRaises(pm.InvalidArgumentError):
                lib.call_string(lib.pm_doc_to_json, None, 0)  # NULL doc
            # The out-pointer stays NULL on failure; freeing NULL is the only call allowed.
            self.assertTrue(all(c.args[0].value is None for c in pm_free.call_args_list))

    def test_repeated_use_does_not_grow_memory(self) -> None:
        text = sample_text(max(SAMPLE_NAMES, key=lambda n: len(sample_text(n))))
        d = json.loads(_typo_text())
        d["incident"].update({f"zz{i}": i for i in range(200)})  # 200 PM109 findings
        many = json.dumps(d)

        def work() -> None:
            with pm.Document.parse(text) as doc:
                doc.to_json()
                doc.to_json(pretty=True)
                doc.validate()
                doc.validate_json()
            with pm.Document.parse(many) as doc:
                doc.validate({"rules": {"PM102": "off"}})
            try:
                pm.Document.parse(text[:-10])
            except pm.ParseError:
                pass
            pm.Document.parse(text)  # dropped unclosed: the finalizer frees it

        for _ in range(200):  # warm up allocator pools and caches
            work()
        gc.collect()
        before = _rss_bytes()
        for _ in range(2000):
            work()
        gc.collect()
        grown = _rss_bytes() - before
        # One leaked JSON string, document or findings list per call would be over 100 MB.
        self.assertLess(grown, 16 * 2**20, f"RSS grew by {grown / 2**20:.1f} MiB")


class Threads(unittest.TestCase):
    THREADS = 8

    def run_in_threads(self, job: Callable[[int], object], rounds: int = 1) -> List[object]:
        barrier = threading.Barrier(self.THREADS)

        def start(i: int) -> object:
            barrier.wait()
            return [job(i) for _ in range(rounds)]

        with ThreadPoolExecutor(self.THREADS) as pool:
            return list(pool.map(start, range(self.THREADS)))

    def test_threads_parse_validate_and_serialize_concurrently(self) -> None:
        texts = [sample_text(SAMPLE_NAMES[i % len(SAMPLE_NAMES)]) for i in range(self.THREADS)]
        texts[0] = _typo_text()
        expected = []
        for text in texts:
            with pm.Document.parse(text) as doc:
                expected.append((doc.validate(AS_OF), doc.to_json()))

        with pm.Policy.from_dict(AS_OF) as policy:  # one policy shared by every thread

            def job(i: int) -> object:
                with pm.Document.parse(texts[i], policy) as doc:
                    return doc.validate(policy), doc.to_json()

            results = self.run_in_threads(job, rounds=20)
        for i, rounds in enumerate(results):
            for result in rounds:  # type: ignore[union-attr]
                self.assertEqual(result, expected[i])

    def test_one_document_is_read_by_many_threads(self) -> None:
        with pm.Document.parse(_typo_text()) as doc:
            expected = doc.validate(AS_OF)
            results = self.run_in_threads(lambda i: doc.validate(AS_OF), rounds=20)
        for rounds in results:
            for result in rounds:  # type: ignore[union-attr]
                self.assertEqual(result, expected)

    def test_each_thread_gets_its_own_error_message(self) -> None:
        def job(i: int) -> object:
            # The syntax error is on line i + 2 of thread i's text.
            text = "{\n" + "\n" * i + '"schema": "postmortem/1",,}'
            try:
                pm.Document.parse(text)
            except pm.ParseError as e:
                return str(e)
            return None

        results = self.run_in_threads(job, rounds=50)
        for i, rounds in enumerate(results):
            for message in rounds:  # type: ignore[union-attr]
                self.assertIsNotNone(message)
                self.assertIn(f"line {i + 2},", message)

    def test_closing_while_other_threads_read_never_frees_memory_in_use(self) -> None:
        for _ in range(20):
            doc = pm.Document.load(sample_path(SAMPLE_NAMES[1]))
            expected = sample_dict(SAMPLE_NAMES[1])
            outcomes: List[str] = []

            def reader() -> None:
                for _ in range(5):
                    try:
                        outcomes.append("ok" if doc.to_dict() == expected else "wrong")
                    except pm.InvalidArgumentError:
                        outcomes.append("closed")

            threads = [threading.Thread(target=reader) for _ in range(4)]
            for t in threads:
                t.start()
            doc.close()
            for t in threads:
                t.join()
            self.assertNotIn("wrong", outcomes)
            self.assertFalse(doc._finalizer.alive)


if __name__ == "__main__":
    unittest.main()
