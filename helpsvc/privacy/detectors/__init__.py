"""The detectors: each finds one family of personal data in a text and reports typed spans.

Owns every rule for what counts as personal data.

``span`` is the unit they report; ``contact`` (e-mail, SIP, phones, URLs, handles),
``network`` (addresses, host and user names), ``identity`` (cards, IBANs, national
ids, dates of birth, passcodes), ``address`` (streets and postcodes), ``names``
(person names: rules on ``lexicon``, ``vocabulary`` and ``name_cues``, ``cjk_names`` for
Chinese, Japanese and Korean script, plus the
``tagger``, which reads ``features``, decodes with ``decode`` and completes names with
``name_shapes``, and which ``train_names`` trains from ``name_frames`` and ``train_articles``)
and ``stock`` (scrubadub's own)
are what ``privacy.scrubber`` runs. May import: nothing of ours outside privacy.
"""
