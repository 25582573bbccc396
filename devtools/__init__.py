"""Demo data and benchmarks for developers (`seed_demo`, `bench`, `bench_reports`). Nothing the
site runs imports this app; it sits on top and may import every other."""
