# The two commands a newcomer needs (see README.md): `make demo` and `make test`.
.PHONY: setup demo test lint bench clean

setup:
	@bash scripts/setup.sh

# With a display: fullscreen kiosk + simulator panel. Without one (a server): the same screen
# served over VNC on port 5900 (open any VNC viewer on this machine's port 5900).
demo: setup
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then .venv/bin/kiosk demo $(DEMO_ARGS); \
	else .venv/bin/kiosk demo --vnc 5900 $(DEMO_ARGS); fi

test: setup
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check kiosk drivers ui tests benchmarks
	.venv/bin/mypy

bench: setup
	bash scripts/bench.sh

clean:
	rm -rf .venv build *.egg-info
