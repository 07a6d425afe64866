"""Structured, checkable cybersecurity incident post-mortems.

Python bindings (ctypes, standard library only) for the C library ``libpostmortem``::

    import postmortem as pm

    with pm.Document.load("incident.json") as doc:
        for f in doc.validate():
            print(f.code, f.severity, f.path, f.message)
        print(doc.metrics()["dwell_time"]["duration"])      # e.g. PT1H22M50S
        print(doc.score()["severity"]["tier"])               # e.g. critical

    for f in pm.check_file("draft.json"):   # unparsable files become PM100 / PM101
        print(f.code, f.message)

    doc, report = pm.import_file("l2tcsv.log", "plaso_l2tcsv")   # a forensic timeline
    print(report["imported"], "events,", report["skipped"], "rows skipped")

    pm.cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")["severity"]   # 'Critical'

    with pm.Corpus(policy={"as_of": "2024-06-01T00:00:00Z"}) as corpus:   # many post-mortems
        corpus.add_path("postmortems/")
        print(corpus.analyze()["recurrences"]["by_signal"])

The library is found through ``PM_LIBRARY`` (its full path), ``PM_LIBRARY_PATH`` (its
directory), the package's own ``_lib/`` folder, then the system; it is loaded on first use.
Every failure raises a subclass of :class:`postmortem.Error`.
"""

from ._api import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    METRIC_NAMES,
    REPORT_FORMATS,
    SEVERITIES,
    Document,
    Finding,
    Metrics,
    Policy,
    abi_version,
    check_file,
    check_text,
    cvss,
    cvss_base,
    import_file,
    import_timeline,
    import_veris,
    library_path,
    version,
    version_number,
)
from ._corpus import Corpus, CorpusProgress
from ._errors import (
    Error,
    FileError,
    FormatError,
    InvalidArgumentError,
    LibraryMismatch,
    LibraryNotFound,
    LimitError,
    NotFoundError,
    OutOfMemoryError,
    ParseError,
    PolicyError,
    VersionError,
)
from ._lib import ABI_VERSION
from ._version import __version__

# Show the public classes as postmortem.X (tracebacks, repr, pickling), not postmortem._api.X.
for _cls in (Corpus, CorpusProgress, Document, Finding, Metrics, Policy, Error, FileError,
             FormatError, InvalidArgumentError, LibraryMismatch, LibraryNotFound, LimitError,
             NotFoundError, OutOfMemoryError, ParseError, PolicyError, VersionError):
    _cls.__module__ = __name__
del _cls

__all__ = [
    "ABI_VERSION",
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "METRIC_NAMES",
    "REPORT_FORMATS",
    "SEVERITIES",
    "Corpus",
    "CorpusProgress",
    "Document",
    "Error",
    "FileError",
    "Finding",
    "FormatError",
    "InvalidArgumentError",
    "LibraryMismatch",
    "LibraryNotFound",
    "LimitError",
    "Metrics",
    "NotFoundError",
    "OutOfMemoryError",
    "ParseError",
    "Policy",
    "PolicyError",
    "VersionError",
    "__version__",
    "abi_version",
    "check_file",
    "check_text",
    "cvss",
    "cvss_base",
    "import_file",
    "import_timeline",
    "import_veris",
    "library_path",
    "version",
    "version_number",
]
