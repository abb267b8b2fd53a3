"""What readers send: feedback, votes and search, click and view events, on their way to the store.

Owns validation of feedback (``feedback``), abuse resistance without accounts
(``abuse``: rate limits, form stamps, the daily cap's counters), organisation
policies (``orgs``), scrubbing on the way in and the scrubbed-query cache
(``scrubbing``), and ``Intake``, which puts them together for each request.
May import: settings, errors, metrics, clock, content, privacy, store and the
query normaliser of search. Nothing in search, store or privacy imports it.
"""

from .feedback import FeedbackInput, parse_feedback
from .intake import Intake

__all__ = ["FeedbackInput", "Intake", "parse_feedback"]
