"""Validate and clean an export in batches, with the results of the one-frame pipeline
(``pipeline.check_table`` / ``pipeline.clean`` + ``write_table``) and the tally its full report is
built from (crmclean.tally).

    from crmclean.stream import clean_file, validate_file

    result = clean_file(path, loaded, options, output=output, rejects=rejects)
    result.tally  # -> crmclean.report.model.report_from_tally

A CSV file is planned once and read in batches (about ``CRMCLEAN_STREAM_MIN_BYTES`` bytes each,
default 24 MiB); any other source is one batch. See docs/scaling.md for the design and measurements.
"""

from crmclean.stream.chunked import (
    DEFAULT_CHUNK_ROWS,
    BatchMap,
    ChunkResult,
    StreamCleaned,
    StreamValidated,
    appendable,
    batch_bytes,
    clean_file,
    validate_file,
)
from crmclean.stream.sink import ChunkWriter, can_stream
from crmclean.stream.source import Batches, Plan, Whole, batches, chunks, plan

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "BatchMap",
    "Batches",
    "ChunkResult",
    "ChunkWriter",
    "Plan",
    "StreamCleaned",
    "StreamValidated",
    "Whole",
    "appendable",
    "batch_bytes",
    "batches",
    "can_stream",
    "chunks",
    "clean_file",
    "plan",
    "validate_file",
]
