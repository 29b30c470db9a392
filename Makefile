# The two commands a newcomer needs (see README.md): `make demo` and `make test`.
.PHONY: setup demo test lint bench clean

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/kiosk demo

test: setup
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check kiosk drivers ui tests benchmarks
	.venv/bin/mypy

bench: setup
	bash scripts/bench.sh

clean:
	rm -rf .venv build *.egg-info
