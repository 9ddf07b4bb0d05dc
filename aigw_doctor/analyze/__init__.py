"""`aigw-doctor analyze`: read logs of gateway exchanges, diagnose each failure, summarise.

readers per format (fields, jsonarray, curl, readers) → LoggedExchange → Diagnoser (memoised engine) → Summary →
AnalyzeReport (plain dataclasses, rendered by report/analyze_text.py or as JSON/Markdown).
"""

from __future__ import annotations

from aigw_doctor.analyze.run import AnalyzeOptions, analyze, check_inputs
from aigw_doctor.analyze.sources import InputFormat, UnreadableInput
from aigw_doctor.analyze.summary import AnalyzeReport

__all__ = ["AnalyzeOptions", "AnalyzeReport", "InputFormat", "UnreadableInput", "analyze", "check_inputs"]
