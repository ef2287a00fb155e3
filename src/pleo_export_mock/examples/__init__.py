"""Worked examples shipped with the package, so they run wherever it is installed.

`reference_connector` is a small, correct connector for Pleo's Export API and `fake_erp` the
ERP it books into. They model a connector written outside this project: standard library
only, nothing imported from the sandbox (tests/test_layers.py holds them to that).

    python -m pleo_export_mock.examples.reference_connector
"""
