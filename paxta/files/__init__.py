"""Reading the files users bring: encodings detected, rows located, errors named."""

from paxta.files.tables import Row, Table, open_table
from paxta.files.text import detect_encoding, iter_csv_rows, iter_text_lines

__all__ = ["Row", "Table", "detect_encoding", "iter_csv_rows", "iter_text_lines", "open_table"]
