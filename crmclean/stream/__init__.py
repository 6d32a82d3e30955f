"""Validate and clean CSV exports larger than memory, a chunk of records at a time, with the results of
the eager pipeline (``pipeline.check_table`` / ``pipeline.clean`` + ``write_table``).

    from crmclean.stream import clean_file, should_stream, validate_file

    if should_stream(path, options, outputs=(output, rejects)):
        result = clean_file(path, loaded, options, output=output, rejects=rejects)

See docs/scaling.md for the design and measurements.
"""

from crmclean.stream.run import (
    DEFAULT_CHUNK_ROWS,
    STREAM_MIN_BYTES,
    ChunkResult,
    StreamCleaned,
    StreamValidated,
    clean_file,
    should_stream,
    validate_file,
)
from crmclean.stream.sink import ChunkWriter, can_stream
from crmclean.stream.source import Plan, chunks, plan

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "STREAM_MIN_BYTES",
    "ChunkResult",
    "ChunkWriter",
    "Plan",
    "StreamCleaned",
    "StreamValidated",
    "can_stream",
    "chunks",
    "clean_file",
    "plan",
    "should_stream",
    "validate_file",
]
