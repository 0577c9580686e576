"""The quality harness: the checks the permission-matrix and accessibility tests run on every registered page.

They are plain functions so that `tests/test_harness_catches_breakage.py` can show that each one fails on a
page that breaks its rule.
"""
