# Two commands: `make demo` and `make test`. Both build their own virtual environment.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test lint typecheck pytest bench bench-quick clean browser java fonts fuzz loadtest vendor-js native

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	# paxta's bytecode written now, as pip does when it installs a wheel (an editable install
	# leaves it to the first run, which never writes it under PYTHONDONTWRITEBYTECODE: every
	# command then compiled ~60 modules, ~0.1 s); a module edited later is compiled as before
	$(BIN)/python -m compileall -q paxta
	touch $(STAMP)

# The name, screening and locating code compiled by mypyc (mypy's compiler, a dev dependency)
# when a C compiler is here (about a minute; again only when a source it was built from changed).
# paxta uses it only while it matches its sources, and runs the Python otherwise (paxta/native.py).
native: $(STAMP)
	$(BIN)/python tools/build_native.py

demo: $(STAMP) native fonts
	$(BIN)/paxta demo --out demo-output

lint: $(STAMP)
	$(BIN)/ruff format --check paxta tests bench tools
	$(BIN)/ruff check paxta tests bench tools

typecheck: $(STAMP)
	$(BIN)/mypy

# Two processes by default (this machine's cores); each test module stays on one, so its
# module-scoped fixtures are built once. TEST_JOBS=0 runs in this process.
TEST_JOBS ?= 2
pytest: $(STAMP) native
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadfile

# Debian's Chromium renders captured pages and drives the page tests; installed when missing and
# the machine allows it (root and apt). Without it those tests are skipped and say so.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& { apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
		     || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; }; } \
		|| echo "chromium could not be installed: rendering and page tests will be skipped" >&2; }

test: browser java fonts lint typecheck pytest bench-quick

# The dossier PDF embeds a TrueType font with Latin and Chinese glyphs: Debian's WenQuanYi Micro
# Hei (Apache-2.0), installed when missing and the machine allows it. Without it the PDF leaves
# Chinese to the reader's fonts and says so; the test of the embedded font is skipped.
fonts:
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& { apt-get install -y --no-install-recommends fonts-wqy-microhei >/dev/null 2>&1 \
		     || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends fonts-wqy-microhei >/dev/null 2>&1; }; } \
		|| echo "fonts-wqy-microhei could not be installed: the dossier PDF will not embed a Chinese font" >&2; }

# Spark (the scale engine, tested in local mode) runs on Java 17: Debian's, installed when missing
# and the machine allows it. Without it the Spark tests are skipped and say so.
java:
	@command -v java >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& { apt-get install -y --no-install-recommends openjdk-17-jre-headless >/dev/null 2>&1 \
		     || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends openjdk-17-jre-headless >/dev/null 2>&1; }; } \
		|| echo "Java could not be installed: the Spark tests will be skipped" >&2; }

# The benchmarks' peers (cpca, jionlp, nomenklatura, networkx, Splink) come with the bench extra.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) native
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

# Every benchmark at a small size, two at a time, so none can rot unnoticed (make test runs it).
bench-quick: $(BENCH_STAMP) native
	$(BIN)/python tools/bench_quick.py 2

# The fuzz suites at length: every reader of user files (hypothesis, 3,000 examples each) and
# every API operation (schemathesis, 300 each); make test runs them seeded at 30 and 25.
fuzz: $(STAMP)
	PAXTA_FUZZ_EXAMPLES=3000 $(BIN)/pytest -p no:xdist tests/test_fuzz_readers.py
	PAXTA_FUZZ_EXAMPLES=300 $(BIN)/pytest -p no:xdist tests/web/test_openapi.py

# 50 clients on /match while a list import runs: /healthz latency and errors (docs/benchmarks.md).
loadtest: $(STAMP)
	$(BIN)/python bench/bench_load.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache paxta/native.json paxta/*.native.so paxta/*/*.native.so

# The shipment graph's library, served by paxta (paxta/web/static/vendor/, committed with its
# licence and provenance): refreshed from the npm registry only when this is run.
CYTOSCAPE ?= 3.35.0
vendor-js:
	rm -rf .vendor-js && mkdir .vendor-js && cd .vendor-js && npm pack --silent cytoscape@$(CYTOSCAPE) >/dev/null \
		&& tar xzf cytoscape-$(CYTOSCAPE).tgz
	cp .vendor-js/package/dist/cytoscape.min.js paxta/web/static/vendor/cytoscape.min.js
	cp .vendor-js/package/LICENSE paxta/web/static/vendor/cytoscape.LICENSE
	sha256sum .vendor-js/cytoscape-$(CYTOSCAPE).tgz paxta/web/static/vendor/cytoscape.min.js
	rm -rf .vendor-js
