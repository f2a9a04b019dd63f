"""Root pytest configuration: doctests run over the package; these are not importable as tests."""

collect_ignore = ["sigint/__main__.py", "benchmarks", "tools", "notebooks", "examples"]
