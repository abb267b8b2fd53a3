"""The node's scrubber process: one per node, so no web worker loads the detectors.

Owns the process, its supervision and its client:

``sidecar`` is the process (``python -m helpsvc.privacy.process.sidecar``),
``supervisor`` starts, watches and stops it for ``helpsvc serve``, and ``remote``
is the client a worker scrubs through, over a Unix domain socket. May import:
privacy's scrubber and errors, settings and logs.
"""
