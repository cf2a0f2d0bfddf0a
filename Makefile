# The two commands of the README:  make demo  and  make test.  Both install what they need on a
# fresh machine (Debian packages with apt-get, Python packages into .venv).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
JOBS ?= 2
# Everything a fresh Debian (bookworm) needs besides make itself; README.md lists the same.
APT_PACKAGES := libeigen3-dev nlohmann-json3-dev libgtest-dev libgmock-dev cmake ninja-build g++ clang libclang-rt-14-dev \
  python3 python3-dev python3-venv libreoffice-writer-nogui chromium poppler-utils fonts-liberation2
# libFuzzer runs (docs/fuzzing.md): seconds per harness for `make fuzz`, executions per harness for
# the bounded smoke run `make test` does
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_RUNS ?= 3000

.PHONY: demo test deps apt venv install cpp-test sanitize-test py-test typecheck stubs fuzz-build fuzz fuzz-smoke clean

demo: install
	$(VENV)/bin/commdx demo --out demo-out

test: cpp-test sanitize-test fuzz-smoke typecheck py-test
	@echo "make test: all suites passed"

# System packages: installed only where missing (needs root or sudo on a fresh machine).
apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

$(VENV)/.deps: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "scikit-build-core>=0.10" "pybind11>=2.12" ninja \
	  numpy pandas openpyxl xlsxwriter pyarrow matplotlib babel jinja2 python-docx tqdm "dask[distributed]" pytest pytest-xdist hypothesis nbclient nbformat ipykernel ortools scipy mypy pybind11-stubgen samplics pyxform
	touch $@

venv: $(VENV)/.deps

deps: apt venv

install: deps
	$(PY) -m pip install -q --no-build-isolation .

cpp-test: apt
	cmake -S . -B build/cpp -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOMMDX_WERROR=ON
	cmake --build build/cpp -j $(JOBS)
	cd build/cpp && ctest --output-on-failure -j $(JOBS)

# The sanitizer suite is built with clang, so CI gets a second compiler (with its own warnings)
# without a third build: GCC builds cpp-test, clang builds this one.
sanitize-test: apt
	CC=clang CXX=clang++ cmake -S . -B build/asan-clang -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCOMMDX_SANITIZE=ON -DCOMMDX_WERROR=ON
	cmake --build build/asan-clang -j $(JOBS)
	cd build/asan-clang && ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# libFuzzer harnesses tests/fuzz/fuzz_*.cpp (clang, ASan + UBSan), in their own build directory
fuzz-build: apt
	CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCOMMDX_FUZZ=ON -DCOMMDX_TESTS=OFF -DCOMMDX_INSTALL=OFF
	cmake --build build/fuzz -j $(JOBS) --target fuzz_all

fuzz: fuzz-build
	tests/fuzz/run.sh build/fuzz time $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	tests/fuzz/run.sh build/fuzz runs $(FUZZ_SMOKE_RUNS)

py-test: install
	MPLBACKEND=Agg $(PY) -m pytest -q -n $(JOBS) --dist loadfile --durations=15

# mypy over python/commdx with the configuration in pyproject.toml ([tool.mypy]); _core is typed
# by the checked-in python/commdx/_core.pyi (tests/python/test_stubs.py keeps it in sync)
typecheck: venv
	$(VENV)/bin/mypy

# Regenerates python/commdx/_core.pyi from the installed module, after a change to src/
stubs: install
	$(PY) tools/stubs.py

clean:
	rm -rf build demo-out
