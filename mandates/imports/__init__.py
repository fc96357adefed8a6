"""Bringing an existing tracker in: requests, status updates and benchmark assessments from CSV
or XLSX sheets (:mod:`mandates.imports.tracker`), read by :mod:`mandates.imports.sheets`."""
