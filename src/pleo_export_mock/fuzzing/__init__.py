"""Fuzzing around the Export API spec.

`config`, `run`, `sandbox`, `target`, `command`, `report`: Schemathesis holds a server that
claims to be the Export API (the sandbox in process, or any URL through `fuzz`) to our spec,
with every check in every phase. Nothing is imported here, so that using one module does not
load Schemathesis (a test extra) for the others.
"""
