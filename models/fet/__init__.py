"""FET (free timetabling software) files: read into a scenario with explicit activities, write back."""

from models.fet.reader import IMPORTED_KINDS, FetError, read_fet

__all__ = ["IMPORTED_KINDS", "FetError", "read_fet"]
