"""Timeline import: import_timeline / import_file, Document.import_*, options and reports.

The timelines are the Timesketch and Plaso samples in tests/data/timelines (see
tests/data/README.md for what each holds).
"""

from __future__ import annotations

import json
import threading
import unittest
from datetime import timedelta

from _support import REPO, sample_path

import postmortem as pm

TIMELINES = REPO / "tests" / "data" / "timelines"
PLASO = TIMELINES / "plaso"
TIMESKETCH = TIMELINES / "timesketch"

# Three events out of time order, one with a quoted comma.
CSV = (
    "message,datetime,timestamp_desc,user\n"
    "Mailbox rule created,2024-01-15T09:05:00+00:00,Event Recorded,alice\n"
    "Login from 203.0.113.7,2024-01-15T09:00:00+00:00,Event Recorded,alice\n"
    "\"Download of invoice.zip, 2 MB\",2024-01-15T09:10:00+00:00,Event Recorded,bob\n"
)
# One more event, and a row whose datetime cannot be read (line 3, field 2).
CSV_MORE = (
    "message,datetime,timestamp_desc,user\n"
    "Password reset,2024-01-15T11:00:00+00:00,Event Recorded,helpdesk\n"
    "Broken row,1234 19:01:01,Event Recorded,mallory\n"
)

REPORT_KEYS = {"format", "rows", "imported", "skipped", "duplicates", "problems"}


def timeline(doc: pm.Document):
    return doc.to_dict().get("timeline", [])


class ImportNewDocuments(unittest.TestCase):
    def check_events(self, events, count):
        self.assertEqual(len(events), count)
        ids = [e["id"] for e in events]
        self.assertEqual(len(ids), len(set(ids)), "ids are unique")
        for e in events:
            for member in ("id", "time", "description", "source"):
                self.assertIn(member, e)
            self.assertTrue(e["description"])

    def test_plaso_l2tcsv(self) -> None:
        doc, report = pm.import_file(PLASO / "l2tcsv.log", "plaso_l2tcsv")
        with doc:
            self.assertEqual(set(report), REPORT_KEYS)
            self.assertEqual(report["format"], "plaso_l2tcsv")
            self.assertEqual((report["rows"], report["imported"], report["skipped"]), (19, 19, 0))
            self.assertEqual(report["problems"], [])
            d = doc.to_dict()
            self.assertEqual(d["schema"], "postmortem/1")
            self.assertIn("id", d["incident"])
            self.check_events(d["timeline"], 19)
            # The document is a document like any other.
            errors = [f for f in doc.validate() if f.severity == "error" and
                      f.path.startswith("/timeline")]
            self.assertEqual(errors, [])

    def test_plaso_dynamic(self) -> None:
        doc, report = pm.import_file(str(PLASO / "dynamic.log"), "plaso_dynamic")
        with doc:
            # 20 rows; two (a file's content and metadata modification) have the same source,
            # message and time: one event.
            self.assertEqual((report["rows"], report["imported"], report["duplicates"],
                              report["skipped"]), (20, 19, 1, 0))
            self.check_events(timeline(doc), 19)

    def test_timesketch_csv_and_jsonl(self) -> None:
        for name, fmt, count in (("sigma_events.csv", "timesketch_csv", 4),
                                 ("sigma_events.jsonl", "timesketch_jsonl", 5)):
            with self.subTest(file=name):
                doc, report = pm.import_file(TIMESKETCH / "test_events" / name, fmt)
                with doc:
                    self.assertEqual((report["imported"], report["skipped"]), (count, 0))
                    self.check_events(timeline(doc), count)

    def test_events_are_in_time_order_with_the_rows_other_columns(self) -> None:
        doc, report = pm.import_timeline(CSV, "timesketch_csv")
        with doc:
            events = timeline(doc)
            self.assertEqual([e["description"] for e in events],
                             ["Login from 203.0.113.7", "Mailbox rule created",
                              "Download of invoice.zip, 2 MB"])
            self.assertTrue(events[0]["time"].startswith("2024-01-15T09:00:00"))
            self.assertTrue(any(k.startswith("x_") and v == "alice"
                                for k, v in events[0].items()), events[0])
            self.assertEqual(report["imported"], 3)

    def test_str_bytes_and_files_give_the_same_document(self) -> None:
        path = PLASO / "l2tcsv.log"
        data = path.read_bytes()
        results = [pm.import_file(path, "plaso_l2tcsv"),
                   pm.import_timeline(data, "plaso_l2tcsv"),
                   pm.import_timeline(bytearray(data), "plaso_l2tcsv"),
                   pm.import_timeline(data.decode("utf-8"), "plaso_l2tcsv")]
        texts = []
        for doc, _ in results:
            with doc:
                texts.append(doc.to_json())
        self.assertEqual(len(set(texts)), 1)

    def test_ids_are_deterministic(self) -> None:
        a, _ = pm.import_timeline(CSV, "timesketch_csv")
        b, _ = pm.import_timeline(CSV, "timesketch_csv")
        with a, b:
            self.assertEqual(a.to_json(), b.to_json())

    def test_times_are_utc_whatever_zone_the_file_was_written_in(self) -> None:
        # Plaso wrote the same events in UTC and in CET/CEST.
        for fmt, utc, zoned in (("plaso_l2tcsv", "l2tcsv.log", "l2tcsv_time_zone.log"),
                                ("plaso_dynamic", "dynamic.log", "dynamic_time_zone.log")):
            with self.subTest(format=fmt):
                a, _ = pm.import_file(PLASO / utc, fmt)
                b, _ = pm.import_file(PLASO / zoned, fmt)
                with a, b:
                    times_a = [e["time"] for e in timeline(a)]
                    times_b = [e["time"] for e in timeline(b)]
                    self.assertEqual(len(times_a), len(times_b))
                    self.assertEqual(times_a, times_b)


class Problems(unittest.TestCase):
    def test_unreadable_rows_are_skipped_and_reported(self) -> None:
        doc, report = pm.import_timeline(CSV_MORE, "timesketch_csv")
        with doc:
            self.assertEqual((report["rows"], report["imported"], report["skipped"]), (2, 1, 1))
            self.assertEqual(len(report["problems"]), 1)
            problem = report["problems"][0]
            self.assertEqual((problem["line"], problem["column"]), (3, 2))
            self.assertEqual(problem["field"], "datetime")
            self.assertIn("1234 19:01:01", problem["message"])
            self.assertEqual(len(timeline(doc)), 1)

    def test_strict_mode_raises_with_line_and_column(self) -> None:
        with self.assertRaises(pm.FormatError) as cm:
            pm.import_timeline(CSV_MORE, "timesketch_csv", strict=True)
        self.assertIsInstance(cm.exception, ValueError)
        self.assertIn("line 3", str(cm.exception))
        self.assertIn("1234 19:01:01", str(cm.exception))

    def test_strict_mode_on_a_file_names_the_file(self) -> None:
        path = TIMESKETCH / "test_events" / "invalid_datetime.csv"
        doc, report = pm.import_file(path, "timesketch_csv")
        with doc:
            self.assertEqual((report["imported"], report["skipped"]), (3, 1))
        with self.assertRaises(pm.FormatError) as cm:
            pm.import_file(path, "timesketch_csv", strict=True)
        self.assertTrue(str(cm.exception).startswith(f"{path}: "), str(cm.exception))
        self.assertIn("line", str(cm.exception))

    def test_data_in_another_format(self) -> None:
        with self.assertRaises(pm.FormatError):
            pm.import_timeline(CSV, "plaso_l2tcsv")
        with self.assertRaises(pm.FormatError):
            pm.import_timeline("", "timesketch_csv")
        with self.assertRaises(pm.FormatError) as cm:
            pm.import_file(PLASO / "l2tcsv.log", "timesketch_csv")
        self.assertIn("l2tcsv.log", str(cm.exception))

    def test_unknown_format_names(self) -> None:
        for name in ("timesketch", "plaso", "veris", "TIMESKETCH_CSV", ""):
            with self.subTest(format=name), self.assertRaises(pm.FormatError) as cm:
                pm.import_timeline(CSV, name)
            self.assertIn("timesketch_csv", str(cm.exception))
        with self.assertRaises(TypeError):
            pm.import_timeline(CSV, 1)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            pm.import_timeline(42, "timesketch_csv")  # type: ignore[arg-type]

    def test_missing_file(self) -> None:
        with self.assertRaises(pm.FileError) as cm:
            pm.import_file(TIMELINES / "no-such-file.csv", "timesketch_csv")
        self.assertIsInstance(cm.exception, OSError)
        self.assertIn("no-such-file.csv", str(cm.exception))


class Options(unittest.TestCase):
    def test_source_and_event_type(self) -> None:
        doc, _ = pm.import_timeline(CSV, "timesketch_csv", source="mail",
                                    event_type="attacker_activity", id_prefix="mail")
        with doc:
            events = timeline(doc)
            self.assertEqual({e["source"] for e in events}, {"mail"})
            self.assertEqual({e["type"] for e in events}, {"attacker_activity"})
            self.assertTrue(all(e["id"].startswith("mail") for e in events))

    def test_offsets_as_text_and_timedelta(self) -> None:
        base, _ = pm.import_timeline(CSV, "timesketch_csv", source="mail")
        text, _ = pm.import_timeline(CSV, "timesketch_csv", source="mail",
                                     offsets={"mail": "+00:05:00"})
        delta, _ = pm.import_timeline(CSV, "timesketch_csv", source="mail",
                                      offsets={"mail": timedelta(minutes=5)})
        other, _ = pm.import_timeline(CSV, "timesketch_csv", source="mail",
                                      offsets={"syslog": "+01:00:00"})
        with base, text, delta, other:
            self.assertEqual(text.to_json(), delta.to_json())
            self.assertEqual(other.to_json(), base.to_json(), "offsets of other sources")
            self.assertTrue(timeline(text)[0]["time"].startswith("2024-01-15T09:05:00"))
        back, _ = pm.import_timeline(CSV, "timesketch_csv", source="mail",
                                     offsets={"mail": timedelta(minutes=-5)})
        with back:
            self.assertTrue(timeline(back)[0]["time"].startswith("2024-01-15T08:55:00"))

    def test_time_zone_for_times_without_an_offset(self) -> None:
        csv = "message,datetime,timestamp_desc\nlocal,2024-01-15 10:00:00,Event Recorded\n"
        utc, _ = pm.import_timeline(csv, "timesketch_csv")
        berlin, _ = pm.import_timeline(csv, "timesketch_csv", time_zone="Europe/Berlin")
        with utc, berlin:
            self.assertTrue(timeline(utc)[0]["time"].startswith("2024-01-15T10:00:00"))
            self.assertTrue(timeline(berlin)[0]["time"].startswith("2024-01-15T09:00:00"))

    def test_dedupe_seconds(self) -> None:
        csv = ("message,datetime,timestamp_desc\n"
               "beacon,2024-01-15T10:00:00+00:00,Event Recorded\n"
               "beacon,2024-01-15T10:00:30+00:00,Event Recorded\n")
        doc, report = pm.import_timeline(csv, "timesketch_csv")
        with doc:
            self.assertEqual((report["imported"], report["duplicates"]), (2, 0))
        for window in (60, 60.0, timedelta(minutes=1)):
            with self.subTest(window=window):
                doc, report = pm.import_timeline(csv, "timesketch_csv", dedupe_seconds=window)
                with doc:
                    self.assertEqual((report["imported"], report["duplicates"]), (1, 1))

    def test_columns(self) -> None:
        csv = "msg,DT,desc\nrenamed,2024-01-15T10:00:00+00:00,Event Recorded\n"
        with self.assertRaises(pm.FormatError):
            pm.import_timeline(csv, "timesketch_csv")
        doc, report = pm.import_timeline(
            csv, "timesketch_csv",
            columns={"message": "msg", "datetime": "DT", "timestamp_desc": "desc"})
        with doc:
            self.assertEqual(report["imported"], 1)
            self.assertEqual(timeline(doc)[0]["description"], "renamed")

    def test_invalid_options_name_the_member(self) -> None:
        cases = [({"time_zone": "Mars/Olympus_Mons"}, "Mars/Olympus_Mons"),
                 ({"event_type": "explosion"}, "event_type"),
                 ({"offsets": {"mail": "five minutes"}}, "offsets"),
                 ({"dedupe_seconds": -1}, "dedupe_seconds")]
        for kwargs, named in cases:
            with self.subTest(options=kwargs), self.assertRaises(pm.InvalidArgumentError) as cm:
                pm.import_timeline(CSV, "timesketch_csv", **kwargs)
            self.assertIn(named, str(cm.exception))
        with self.assertRaises(TypeError):
            pm.import_timeline(CSV, "timesketch_csv", stirct=True)  # type: ignore[call-arg]
        with self.assertRaises(TypeError):
            pm.import_timeline(CSV, "timesketch_csv", offsets={"mail": 5})  # type: ignore[dict-item]


class ImportIntoADocument(unittest.TestCase):
    def test_events_are_appended_after_the_documents_own(self) -> None:
        with pm.Document.load(sample_path("phishing-mfa-fatigue.json")) as doc:
            before = doc.to_dict()
            report = doc.import_timeline(CSV, "timesketch_csv")
            self.assertEqual(report["imported"], 3)
            after = doc.to_dict()
            self.assertEqual(after["timeline"][:len(before["timeline"])], before["timeline"])
            self.assertEqual(len(after["timeline"]), len(before["timeline"]) + 3)
            self.assertEqual(after["incident"], before["incident"])

    def test_reimporting_adds_nothing(self) -> None:
        doc, first = pm.import_timeline(CSV, "timesketch_csv")
        with doc:
            text = doc.to_json()
            again = doc.import_timeline(CSV, "timesketch_csv")
            self.assertEqual((again["imported"], again["duplicates"]), (0, 3))
            self.assertEqual(doc.to_json(), text)
            more = doc.import_timeline(CSV_MORE, "timesketch_csv")
            self.assertEqual((more["imported"], more["skipped"]), (1, 1))
            self.assertEqual(len(timeline(doc)), 4)

    def test_import_file_into(self) -> None:
        with pm.Document.load(sample_path("phishing-mfa-fatigue.json")) as doc:
            n = len(timeline(doc))
            report = doc.import_file(PLASO / "dynamic.log", "plaso_dynamic")
            self.assertEqual(len(timeline(doc)), n + report["imported"])

    def test_a_failed_import_leaves_the_document_unchanged(self) -> None:
        doc, _ = pm.import_timeline(CSV, "timesketch_csv")
        with doc:
            text = doc.to_json()
            with self.assertRaises(pm.FormatError):
                doc.import_timeline(CSV_MORE, "timesketch_csv", strict=True)
            with self.assertRaises(pm.FormatError):
                doc.import_timeline(CSV, "plaso_l2tcsv")
            with self.assertRaises(pm.InvalidArgumentError):
                doc.import_timeline(CSV_MORE, "timesketch_csv", time_zone="Nowhere/Land")
            with self.assertRaises(pm.FileError):
                doc.import_file(TIMELINES / "no-such-file.csv", "timesketch_csv")
            self.assertEqual(doc.to_json(), text)

    def test_closed_document(self) -> None:
        doc, _ = pm.import_timeline(CSV, "timesketch_csv")
        doc.close()
        with self.assertRaises(pm.InvalidArgumentError):
            doc.import_timeline(CSV, "timesketch_csv")

    def test_imports_and_reads_from_other_threads_do_not_overlap(self) -> None:
        doc, _ = pm.import_timeline(CSV, "timesketch_csv")
        data = (PLASO / "dynamic.log").read_bytes()
        errors = []
        stop = threading.Event()

        def read() -> None:
            try:
                while not stop.is_set():
                    json.loads(doc.to_json())
                    doc.validate()
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        with doc:
            readers = [threading.Thread(target=read) for _ in range(3)]
            for t in readers:
                t.start()
            try:
                for i in range(10):
                    doc.import_timeline(data, "plaso_dynamic", source=f"s{i}")
            finally:
                stop.set()
                for t in readers:
                    t.join()
            self.assertEqual(errors, [])
            self.assertEqual(len(timeline(doc)), 3 + 10 * 19)  # dynamic.log: 19 events


class ExclusiveBorrow(unittest.TestCase):
    def test_an_exclusive_borrow_waits_for_readers_and_blocks_new_ones(self) -> None:
        doc, _ = pm.import_timeline(CSV, "timesketch_csv")
        order = []
        reading = threading.Event()
        with doc:
            def writer() -> None:
                with doc._borrow_exclusive():
                    order.append("write")

            with doc._borrow():
                reading.set()
                t = threading.Thread(target=writer)
                t.start()
                t.join(0.2)
                self.assertTrue(t.is_alive(), "the writer waits for the reader")
                order.append("read done")
            t.join(10)
            self.assertFalse(t.is_alive())
            self.assertEqual(order, ["read done", "write"])

    def test_close_wakes_a_waiting_borrow(self) -> None:
        doc, _ = pm.import_timeline(CSV, "timesketch_csv")
        outcome = []

        def reader() -> None:
            try:
                with doc._borrow():
                    outcome.append("borrowed")
            except pm.InvalidArgumentError:
                outcome.append("closed")

        with doc._borrow_exclusive():
            t = threading.Thread(target=reader)
            t.start()
            t.join(0.2)
            self.assertTrue(t.is_alive(), "a reader waits for the writer")
            doc.close()
            t.join(10)
            self.assertEqual(outcome, ["closed"])
        self.assertTrue(doc.closed)


if __name__ == "__main__":
    unittest.main()
